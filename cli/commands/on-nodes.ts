/**
 * What the node-local commands share (`image`, `volume`, `task`, `service logs`): they go to
 * each node's NodeRuntime service directly (cli/node-runtime.ts), as an admin client. A node
 * that is down or unreachable is named in a note on stderr; what the other nodes have is
 * still shown.
 */
import { describeError, FlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { TlsCredentials } from '../../proto/tls.js';
import type { Node } from '../../proto/types.js';
import { adminCredentials } from '../client.js';
import { nodeLabel, nodeRuntimeClient } from '../node-runtime.js';
import type { Connect } from './types.js';

/** `--node` (with `collect`): the nodes to go to, by id or hostname; none: every node that can. */
export const ONLY_NODES = ['--node <node>', 'only this node, by id or hostname (repeatable)'] as const;

/** The Control API to find the nodes with, and the admin credentials to reach them. */
export async function reach(connect: Connect): Promise<{ control: ControlClient; tls: TlsCredentials }> {
  const control = connect();
  return { control, tls: await adminCredentials(control) };
}

/** Ready nodes with a container runtime; nodes named on purpose that lack one are an error. */
export function containerNodes(nodes: Node[], named: boolean): Node[] {
  const ok = (n: Node) =>
    n.status?.state === 'READY' && (n.description?.runtimes ?? []).some((r) => r !== 'process');
  for (const n of nodes.filter((x) => !ok(x))) {
    const why =
      n.status?.state !== 'READY' ? `is ${n.status?.state ?? 'unknown'}` : 'has no container runtime';
    if (named) throw new FlotillaError('UNAVAILABLE', `node ${nodeLabel(n)} ${why}`);
  }
  return nodes.filter(ok);
}

/** Runs `work` on every node at once; a node that fails is noted on stderr and the rest go on. */
export async function eachNode(
  nodes: Node[],
  tls: TlsCredentials,
  work: (node: Node, client: ReturnType<typeof nodeRuntimeClient>) => Promise<void>,
): Promise<void> {
  const failures = await Promise.allSettled(
    nodes.map(async (node) => {
      const client = nodeRuntimeClient(node, tls);
      try {
        await work(node, client);
      } finally {
        client.close();
      }
    }),
  );
  failures.forEach((r, i) => {
    if (r.status === 'rejected')
      console.error(`note: node ${nodeLabel(nodes[i] as Node)}: ${describeError(r.reason)}`);
  });
  if (failures.length > 0 && failures.every((r) => r.status === 'rejected')) {
    throw new FlotillaError('UNAVAILABLE', 'no node answered');
  }
}
