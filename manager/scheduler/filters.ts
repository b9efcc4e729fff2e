/**
 * Which nodes can take a task. Each filter says yes or no and, when no, a short reason
 * that the scheduler counts across nodes to explain a pending task.
 */
import { HOST_IMAGE, type Node, type Task } from '../../proto/types.js';

export interface Filter {
  /** Short reason shown when the filter refuses, e.g. "node is down". */
  readonly reason: string;
  accepts(node: Node, task: Task): boolean;
}

/** The runtimes that can run an image: `host` runs as a process, anything else needs a container runtime. */
export function runtimesFor(image: string): string[] {
  return image === HOST_IMAGE ? ['process'] : ['containerd', 'docker'];
}

// What a node can never do comes first, so that the reason shown is the one that matters.
export const filters: readonly Filter[] = [
  {
    reason: 'no container runtime',
    accepts: (node, task) => {
      const have = node.description?.runtimes ?? [];
      return runtimesFor(task.spec?.container?.image ?? '').some((r) => have.includes(r));
    },
  },
  { reason: 'node is not ready', accepts: (node) => node.status?.state === 'READY' },
  {
    reason: 'node availability is not active',
    accepts: (node) => (node.spec?.availability ?? 'ACTIVE') === 'ACTIVE',
  },
];

/** Why no node could take a task: "no suitable node (2 nodes: no container runtime; 1 node: node is not ready)". */
export function explain(refusals: Map<string, number>, nodeCount: number): string {
  if (nodeCount === 0) return 'no suitable node: the cluster has no nodes';
  const parts = [...refusals].map(([reason, n]) => `${reason} on ${n} node${n === 1 ? '' : 's'}`);
  if (
    refusals.size === 1 &&
    refusals.has('no container runtime') &&
    (refusals.get('no container runtime') ?? 0) === nodeCount
  ) {
    return 'no suitable node: no node has a container runtime';
  }
  return `no suitable node (${parts.join(', ')})`;
}
