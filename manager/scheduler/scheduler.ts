/**
 * The scheduler: places PENDING tasks on nodes, or, for tasks that come with their node
 * (global modes), checks that the node has room. A node must pass every filter (filters.ts);
 * among those that do, the strategy and placement preferences choose (strategy.ts).
 * Placements are written in batches, one store update per pass; a task no node can take
 * keeps its PENDING state with the reason in its status. What each node carries is kept
 * from the task events (usage.ts), so a pass costs per task placed, not per task stored.
 * A task on overlay networks gets its addresses there in the same write as its node.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../../lib/log.js';
import { schedulerMetrics } from '../../lib/node-metrics.js';
import type { Network, NetworkAttachment, Node, Service, Task, TaskStatus } from '../../proto/types.js';
import { NetworkAddresses } from '../allocator/addresses.js';
import { ControlLoop } from '../control-loop.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { placementChanged } from './filters.js';
import { TaskGroup } from './group.js';
import { Usage } from './usage.js';
import { unplacedByReason } from './unplaced.js';

/**
 * Tasks one pass places at most, in one write. Thousands pending at once (a service of
 * thousands of replicas) are placed over several passes, so that no turn of the leader's
 * event loop holds for all of them (the write's encoding, its apply, the events).
 */
export const PLACEMENTS_PER_PASS = 256;

/** Tasks the scheduler takes in at its start in one turn of the event loop (about 10 ms). */
const START_SLICE = 10_000;

export class Scheduler {
  private readonly pending = new Set<string>();
  private readonly usage = new Usage();
  private readonly addresses = new NetworkAddresses();
  /**
   * Tasks placed by a pass whose write has not come back as an event yet, with their node:
   * events about them from before the write are stale and must not undo the placement.
   */
  private readonly placing = new Map<string, string>();
  private readonly loop: ControlLoop;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.loop = new ControlLoop(
      'scheduler',
      store,
      { tables: ['tasks', 'nodes'] },
      { start: (tx) => this.start(tx), event: (e) => this.event(e), reconcile: () => this.schedule() },
      log,
      20,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    // Unplaced tasks are among those waiting for a place: a scrape reads those, not every task.
    const unlend = schedulerMetrics.sources.lend(() =>
      this.store.view((tx) => unplacedByReason([...this.pending].flatMap((id) => tx.get('tasks', id) ?? []))),
    );
    try {
      await this.loop.run(signal);
    } finally {
      unlend();
    }
  }

  /** Takes in every task, a slice a turn: a million of them is seconds of work. */
  private async start(tx: ReadTx): Promise<void> {
    const tasks = tx.all('tasks');
    for (let i = 0; i < tasks.length; i++) {
      if (i > 0 && i % START_SLICE === 0) await nextTurn();
      const t = tasks[i]!;
      this.usage.track(t);
      this.addresses.track(t);
      if (needsPlacement(t)) this.pending.add(t.id);
    }
  }

  private event(e: StoreEvent): boolean {
    if (e.table === 'nodes') {
      // A node that came, went or changed what it offers may now take tasks that waited.
      const changed = e.kind !== 'update' || !e.old || placementChanged(e.old, e.object);
      return changed && this.pending.size > 0;
    }
    if (e.table !== 'tasks') return false;
    const task = e.object;
    const placedOn = this.placing.get(task.id);
    let released = false;
    if (e.kind === 'delete') {
      this.placing.delete(task.id);
      released = this.usage.forget(task.id);
      this.addresses.forget(task.id);
    } else if (placedOn === undefined || placedOn === task.nodeId) {
      this.placing.delete(task.id);
      released = this.usage.track(task);
      this.addresses.track(task);
    }
    if (e.kind !== 'delete' && needsPlacement(task)) {
      this.pending.add(task.id);
      return true;
    }
    this.pending.delete(task.id);
    // A task that stopped frees room that waiting tasks may fit in.
    return released && this.pending.size > 0;
  }

  private async schedule(): Promise<void> {
    if (this.pending.size === 0) return;
    // In the order they were noted in; the rest in the next pass.
    const ids: string[] = [];
    for (const id of this.pending) {
      if (ids.length === PLACEMENTS_PER_PASS) break;
      ids.push(id);
    }
    for (const id of ids) this.pending.delete(id);
    const waiting: string[] = [];
    const placed: Task[] = [];
    try {
      await this.store.update((tx) => this.place(tx, ids, placed, waiting));
    } catch (err) {
      // Nothing was written: take the placements back out of the usage.
      for (const t of placed) {
        this.placing.delete(t.id);
        this.usage.forget(t.id);
        this.addresses.forget(t.id);
      }
      for (const id of ids) this.pending.add(id);
      throw err;
    }
    const more = this.pending.size > 0;
    // Tasks no node could take wait for a node to change (their status may not change).
    for (const id of waiting) this.pending.add(id);
    if (more) this.loop.poke();
    if (placed.length > 0) this.log.debug({ placed: placed.length }, 'tasks placed');
  }

  /** Places what it can of `ids` in one transaction; notes the others in `waiting`. */
  private place(tx: WriteTx, ids: string[], placed: Task[], waiting: string[]): void {
    const nodes = tx.all('nodes');
    let services: Service[] | undefined;
    let byId: Map<string, Node> | undefined;
    const allServices = () => (services ??= tx.all('services'));
    const groups = new Map<string, TaskGroup>();
    const now = this.now();
    for (const id of ids) {
      const task = tx.get('tasks', id);
      if (!task || !needsPlacement(task)) continue;
      // A task that comes with its node (global modes) only waits for room there.
      const key = `${task.serviceId}/${task.specVersion}/${task.nodeId}`;
      let group = groups.get(key);
      if (!group) {
        byId ??= new Map(nodes.map((n) => [n.id, n]));
        const own = byId.get(task.nodeId);
        const candidates = task.nodeId ? (own ? [own] : []) : nodes;
        groups.set(key, (group = new TaskGroup(task, candidates, this.usage, allServices)));
      }
      const choice = group.pick();
      const networks = typeof choice === 'string' ? choice : this.attachments(tx, task);
      if (typeof choice === 'string' || typeof networks === 'string') {
        const why = typeof choice === 'string' ? choice : (networks as string);
        waiting.push(id);
        if (task.status?.err !== why) {
          tx.update('tasks', {
            ...task,
            status: { ...status(task, now), message: 'pending task scheduling', err: why },
          });
        }
        continue;
      }
      const assigned: Task = {
        ...task,
        networks,
        nodeId: choice.node.id,
        status: {
          ...status(task, now),
          state: 'ASSIGNED',
          message: 'scheduler assigned task to node',
          err: '',
        },
      };
      tx.update('tasks', assigned);
      schedulerMetrics.placementSeconds.observe(Math.max(0, now - (task.meta?.createdAt ?? now)) / 1000);
      this.usage.track(assigned);
      this.placing.set(id, choice.node.id);
      group.placed(choice);
      placed.push(assigned);
    }
  }

  /** The task's addresses on the networks of its spec, or why it cannot have them now. */
  private attachments(tx: ReadTx, task: Task): NetworkAttachment[] | string {
    const ids = task.spec?.networks ?? [];
    if (ids.length === 0) return [];
    const networks = ids.map((id) => tx.get('networks', id));
    const gone = ids.find((_, i) => !networks[i]);
    if (gone) return `network ${gone} was removed`;
    return this.addresses.allocate(task.id, networks as Network[]);
  }
}

function needsPlacement(t: Task): boolean {
  return t.status?.state === 'PENDING' && t.desiredState === 'RUNNING';
}

function status(task: Task, now: number): TaskStatus {
  const base: TaskStatus = {
    timestamp: now,
    state: 'PENDING',
    message: '',
    err: '',
    container: null,
    health: 'HEALTH_NONE',
    healthOutput: '',
  };
  return { ...base, ...task.status, timestamp: now };
}
