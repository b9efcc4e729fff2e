/**
 * Which nodes can take a task. Each filter says yes or no and, when no, a short reason
 * that the scheduler counts across nodes to explain a pending task. `Filter`s depend on the
 * node and the task only, so a pass runs them once per group of identical tasks; `FitFilter`s
 * also look at what the node already carries (resources, host-mode published ports), and run
 * for every task.
 */
import { HOST_IMAGE, type Node, type Service, type Task } from '../../proto/types.js';
import { newTask } from '../services/tasks.js';
import { selectedServices } from './affinity.js';
import { parseConstraint, satisfies } from './constraints.js';
import { demandOf, type NodeUsage } from './usage.js';

export interface Filter {
  /** Short reason shown when the filter refuses, e.g. "node is down". */
  readonly reason: string;
  accepts(node: Node, task: Task): boolean;
}

export interface FitFilter {
  readonly reason: string;
  accepts(node: Node, usage: NodeUsage): boolean;
}

/** Whether a node changed in what the filters and strategies read of it. */
export function placementChanged(a: Node, b: Node): boolean {
  const key = (n: Node) => JSON.stringify([n.status?.state, n.spec, n.role, n.description]);
  return key(a) !== key(b);
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

/** Containers on overlay networks need a node whose containers have their own network and the overlay up. */
const overlayNetworks: Filter = {
  reason: 'no overlay networks',
  accepts: (node) => node.description?.overlayNetworks === true,
};

/** The fixed filters, then one per constraint of the task (platform constraints included). */
export function filtersFor(task: Task): Filter[] {
  const constraints = (task.spec?.placement?.constraints ?? []).map((expr): Filter => {
    // The API validated the expression; one that does not parse matches no node.
    const c = parseConstraint(expr);
    return { reason: `constraint ${expr.trim()}`, accepts: (node) => c !== undefined && satisfies(node, c) };
  });
  const networks = (task.spec?.networks.length ?? 0) > 0 ? [overlayNetworks] : [];
  return [...filters, ...networks, ...constraints];
}

/**
 * The filters on what a node already carries; only those the task needs. `services` is read
 * only for service affinities.
 */
export function fitFiltersFor(task: Task, services: () => readonly Service[]): FitFilter[] {
  const out: FitFilter[] = [];
  const runsAny = (u: NodeUsage, ids: string[]) => ids.some((id) => (u.byService.get(id) ?? 0) > 0);
  for (const expr of task.spec?.placement?.affinities ?? []) {
    const ids = selectedServices(expr, services());
    out.push({ reason: `affinity ${expr.trim()}`, accepts: (_, u) => runsAny(u, ids) });
  }
  for (const expr of task.spec?.placement?.antiAffinities ?? []) {
    const ids = selectedServices(expr, services());
    out.push({ reason: `anti-affinity ${expr.trim()}`, accepts: (_, u) => !runsAny(u, ids) });
  }
  const max = task.spec?.placement?.maxReplicas ?? 0;
  if (max > 0) {
    out.push({
      reason: `max replicas per node (${max})`,
      accepts: (_, u) => (u.byService.get(task.serviceId) ?? 0) < max,
    });
  }
  const d = demandOf(task);
  if (d.nanoCpus > 0) {
    out.push({
      reason: 'insufficient cpu',
      accepts: (node, u) => u.nanoCpus + d.nanoCpus <= (node.description?.resources?.nanoCpus ?? 0),
    });
  }
  if (d.memoryBytes > 0) {
    out.push({
      reason: 'insufficient memory',
      accepts: (node, u) => u.memoryBytes + d.memoryBytes <= (node.description?.resources?.memoryBytes ?? 0),
    });
  }
  for (const [key, n] of d.generic) {
    out.push({
      reason: `insufficient generic resource ${key}`,
      accepts: (node, u) => (u.generic.get(key) ?? 0) + n <= (node.description?.genericResources[key] ?? 0),
    });
  }
  for (const port of d.hostPorts) {
    out.push({ reason: `host-mode port ${port} in use`, accepts: (_, u) => !u.hostPorts.get(port) });
  }
  return out;
}

/** Why no node could take a task: "no suitable node: insufficient memory on 3 nodes, constraint node.labels.zone==b on 2 nodes". */
export function explain(refusals: Map<string, number>, nodeCount: number): string {
  if (nodeCount === 0) return 'no suitable node: the cluster has no nodes';
  if (refusals.size === 1 && (refusals.get('no container runtime') ?? 0) === nodeCount) {
    return 'no suitable node: no node has a container runtime';
  }
  const parts = [...refusals].map(([reason, n]) => `${reason} on ${n} node${n === 1 ? '' : 's'}`);
  return `no suitable node: ${parts.join(', ')}`;
}

/** The nodes that may run a new task of a global service (or job): those that pass every filter. */
export function eligibleNodes(nodes: Node[], service: Service): Node[] {
  const probe = newTask(service, 0, 0);
  const checks = filtersFor(probe);
  return nodes.filter((n) => checks.every((f) => f.accepts(n, probe)));
}
