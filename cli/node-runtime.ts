/**
 * Reaching the nodes themselves for node-local operations: each node's daemon serves the
 * NodeRuntime service at its address (Node.status.addr), which the managers know. Also finds a
 * task by id, id prefix or name (service.slot).
 */
import type { NodeRuntimeClient } from '../proto/gen/flotilla/NodeRuntime.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { FlotillaError } from '../lib/errors.js';
import { wire } from '../proto/load.js';
import { connect } from '../proto/rpc.js';
import type { TlsCredentials } from '../proto/tls.js';
import { taskName, type Node, type Task } from '../proto/types.js';
import { allNodes, allTasks } from './pages.js';

export function nodeRuntimeClient(node: Node, tls: TlsCredentials): NodeRuntimeClient {
  const addr = node.status?.addr;
  if (!addr) throw new FlotillaError('UNAVAILABLE', `node ${nodeLabel(node)} has no known address`);
  return connect(wire.flotilla.NodeRuntime, addr, tls);
}

export function nodeLabel(node: Node): string {
  return node.description?.hostname || node.id.slice(0, 12);
}

/** The nodes named by id, id prefix or hostname; all nodes if none are named. */
export async function resolveNodes(control: ControlClient, refs: string[]): Promise<Node[]> {
  const nodes = await allNodes(control);
  if (refs.length === 0) return nodes;
  return refs.map((ref) => {
    const matches = nodes.filter(
      (n) => n.id === ref || n.description?.hostname === ref || n.id.startsWith(ref),
    );
    if (matches.length !== 1) {
      throw new FlotillaError(
        matches.length === 0 ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
        matches.length === 0 ? `node ${ref} not found` : `node ${ref} is ambiguous`,
      );
    }
    return matches[0] as Node;
  });
}

export interface TasksWithNodes {
  tasks: Task[];
  nodes: Map<string, Node>;
}

/** The tasks of SERVICE, or the one task REF (id, id prefix or service.slot). */
export async function resolveTasks(control: ControlClient, ref: string): Promise<TasksWithNodes> {
  const asService = await allTasks(control, { services: [ref] }).catch((err: unknown) => {
    if (err instanceof FlotillaError && err.code === 'NOT_FOUND') return undefined;
    throw err;
  });
  if (asService) return { tasks: asService.tasks, nodes: new Map(asService.nodes.map((n) => [n.id, n])) };
  return resolveTask(control, ref);
}

export async function resolveTask(control: ControlClient, ref: string): Promise<TasksWithNodes> {
  const all = await allTasks(control);
  const exact = all.tasks.filter((t) => t.id === ref || taskName(t) === ref);
  // A name stays with the slot through restarts: the newest task of it is meant.
  const matches = exact.length > 0 ? exact : all.tasks.filter((t) => t.id.startsWith(ref));
  const byName = new Set(matches.map((t) => taskName(t)));
  if (matches.length === 0) throw new FlotillaError('NOT_FOUND', `no service or task ${ref}`);
  if (byName.size > 1) throw new FlotillaError('INVALID_ARGUMENT', `task ${ref} is ambiguous`);
  const newest = matches.reduce((a, b) => ((a.meta?.createdAt ?? 0) >= (b.meta?.createdAt ?? 0) ? a : b));
  return { tasks: [newest], nodes: new Map(all.nodes.map((n) => [n.id, n])) };
}
