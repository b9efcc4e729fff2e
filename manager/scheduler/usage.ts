/**
 * What each node already carries: tasks (in all and per service) and the resources they
 * reserve. Kept up to date from the task events, one task at a time, so that a scheduling
 * pass starts from it without reading every task in the store.
 */
import { portName } from '../../proto/ports.js';
import { isTerminal, taskStateRank, type Task } from '../../proto/types.js';

export interface Demand {
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  readonly generic: readonly (readonly [string, number])[];
  /** Host-mode published ports ("8080/tcp"): a node has one of each. */
  readonly hostPorts: readonly string[];
}

/** What most tasks reserve: nothing. One object for all of them (a million tasks, a million fewer). */
const NO_DEMAND: Demand = Object.freeze({ nanoCpus: 0, memoryBytes: 0, generic: [], hostPorts: [] });

export function demandOf(task: Task): Demand {
  const r = task.spec?.resources;
  const nanoCpus = r?.reservations?.nanoCpus ?? 0;
  const memoryBytes = r?.reservations?.memoryBytes ?? 0;
  const generic = Object.entries(r?.generic ?? {});
  const hostPorts = (task.endpoint?.ports ?? [])
    .filter((p) => p.mode === 'HOST')
    .map((p) => portName(p.publishedPort, p.protocol));
  if (!nanoCpus && !memoryBytes && generic.length === 0 && hostPorts.length === 0) return NO_DEMAND;
  return { nanoCpus, memoryBytes, generic, hostPorts };
}

export class NodeUsage {
  total = 0;
  readonly byService = new Map<string, number>();
  nanoCpus = 0;
  memoryBytes = 0;
  readonly generic = new Map<string, number>();
  readonly hostPorts = new Map<string, number>();

  add(serviceId: string, d: Demand, sign: 1 | -1): void {
    this.total += sign;
    this.byService.set(serviceId, (this.byService.get(serviceId) ?? 0) + sign);
    this.nanoCpus += sign * d.nanoCpus;
    this.memoryBytes += sign * d.memoryBytes;
    for (const [k, n] of d.generic) this.generic.set(k, (this.generic.get(k) ?? 0) + sign * n);
    for (const p of d.hostPorts) this.hostPorts.set(p, (this.hostPorts.get(p) ?? 0) + sign);
  }
}

interface Held {
  nodeId: string;
  serviceId: string;
  demand: Demand;
}

/**
 * A task holds its node's resources from assignment until it stops or is meant to stop (a
 * global task named its node before the scheduler assigned it: it holds nothing yet).
 */
function holds(task: Task): boolean {
  return (
    task.nodeId !== '' &&
    taskStateRank(task.status?.state ?? 'NEW') >= taskStateRank('ASSIGNED') &&
    taskStateRank(task.desiredState) <= taskStateRank('RUNNING') &&
    !isTerminal(task.status?.state ?? 'NEW')
  );
}

export class Usage {
  // NodeUsage objects live as long as the scheduler (one per node ever seen), so that a
  // pass may keep references to them.
  private readonly nodes = new Map<string, NodeUsage>();
  private readonly held = new Map<string, Held>();

  of(nodeId: string): NodeUsage {
    let u = this.nodes.get(nodeId);
    if (!u) this.nodes.set(nodeId, (u = new NodeUsage()));
    return u;
  }

  /** Records the task as it is now (idempotent); true when it released what it held. */
  track(task: Task): boolean {
    const before = this.held.get(task.id);
    const now = holds(task);
    // A task's spec never changes, so the node alone tells whether what it holds changed.
    if (before && now && before.nodeId === task.nodeId) return false;
    const released = before ? this.forget(task.id) : false;
    if (now) {
      const h = { nodeId: task.nodeId, serviceId: task.serviceId, demand: demandOf(task) };
      this.held.set(task.id, h);
      this.of(h.nodeId).add(h.serviceId, h.demand, 1);
    }
    return released;
  }

  /** Drops what the task held; true when it held something. */
  forget(taskId: string): boolean {
    const h = this.held.get(taskId);
    if (!h) return false;
    this.held.delete(taskId);
    this.of(h.nodeId).add(h.serviceId, h.demand, -1);
    return true;
  }
}
