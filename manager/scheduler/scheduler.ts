/**
 * The scheduler: places PENDING tasks on nodes. A node must pass every filter; among those
 * that do, the one running the fewest tasks of the same service wins (spread), then the
 * one with the fewest tasks in all. Placements are written in batches, one store update
 * per pass; a task no node can take keeps its PENDING state with the reason in its status.
 */
import type { Logger } from '../../lib/log.js';
import { taskStateRank, type Node, type Task, type TaskStatus } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { explain, filters } from './filters.js';

export class Scheduler {
  private readonly pending = new Set<string>();
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

  run(signal: AbortSignal): Promise<void> {
    return this.loop.run(signal);
  }

  private start(tx: ReadTx): void {
    for (const t of tx.all('tasks')) if (needsPlacement(t)) this.pending.add(t.id);
  }

  private event(e: StoreEvent): boolean {
    if (e.table === 'tasks') {
      if (e.kind !== 'delete' && needsPlacement(e.object)) {
        this.pending.add(e.object.id);
        return true;
      }
      this.pending.delete(e.object.id);
      return false;
    }
    // A node that changed may now take tasks that waited.
    return e.table === 'nodes' && this.pending.size > 0;
  }

  private async schedule(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    const waiting: string[] = [];
    let placed: number;
    try {
      placed = await this.store.update((tx) => this.place(tx, ids, waiting));
    } catch (err) {
      for (const id of ids) this.pending.add(id);
      throw err;
    }
    // Tasks no node could take wait for a node to change (their status may not change).
    for (const id of waiting) this.pending.add(id);
    if (placed > 0) this.log.debug({ placed }, 'tasks placed');
  }

  /** Places what it can of `ids` in one transaction; notes the others in `waiting`. */
  private place(tx: WriteTx, ids: string[], waiting: string[]): number {
    const nodes = tx.all('nodes');
    const load = new Map<string, { total: number; byService: Map<string, number> }>();
    for (const n of nodes) {
      const byService = new Map<string, number>();
      let total = 0;
      for (const t of tx.tasksByNode(n.id)) {
        if (taskStateRank(t.desiredState) > taskStateRank('RUNNING')) continue;
        total++;
        byService.set(t.serviceId, (byService.get(t.serviceId) ?? 0) + 1);
      }
      load.set(n.id, { total, byService });
    }
    let count = 0;
    for (const id of ids) {
      const task = tx.get('tasks', id);
      if (!task || !needsPlacement(task)) continue;
      const node = this.pick(task, nodes, load);
      if (typeof node === 'string') {
        waiting.push(id);
        if (task.status?.err !== node) {
          tx.update('tasks', {
            ...task,
            status: { ...status(task, this.now()), message: 'pending task scheduling', err: node },
          });
        }
        continue;
      }
      const l = load.get(node.id);
      if (l) {
        l.total++;
        l.byService.set(task.serviceId, (l.byService.get(task.serviceId) ?? 0) + 1);
      }
      tx.update('tasks', {
        ...task,
        nodeId: node.id,
        status: {
          ...status(task, this.now()),
          state: 'ASSIGNED',
          message: 'scheduler assigned task to node',
          err: '',
        },
      });
      count++;
    }
    return count;
  }

  /** The best node for the task, or the reason none fits. */
  private pick(
    task: Task,
    nodes: Node[],
    load: Map<string, { total: number; byService: Map<string, number> }>,
  ): Node | string {
    const refusals = new Map<string, number>();
    let best: Node | undefined;
    let bestScore: [number, number] = [Infinity, Infinity];
    for (const node of nodes) {
      const refused = filters.find((f) => !f.accepts(node, task));
      if (refused) {
        refusals.set(refused.reason, (refusals.get(refused.reason) ?? 0) + 1);
        continue;
      }
      const l = load.get(node.id);
      const score: [number, number] = [l?.byService.get(task.serviceId) ?? 0, l?.total ?? 0];
      if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
        best = node;
        bestScore = score;
      }
    }
    return best ?? explain(refusals, nodes.length);
  }
}

function needsPlacement(t: Task): boolean {
  return t.status?.state === 'PENDING' && t.desiredState === 'RUNNING';
}

function status(task: Task, now: number): TaskStatus {
  const base: TaskStatus = { timestamp: now, state: 'PENDING', message: '', err: '', container: null };
  return { ...base, ...task.status, timestamp: now };
}
