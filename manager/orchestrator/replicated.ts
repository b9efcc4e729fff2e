/**
 * The replicated orchestrator: keeps `replicas` slots of every service filled with one
 * active task each. It fills empty slots, shuts down tasks in slots beyond the count,
 * replaces tasks that stopped (per the restart policy) or whose node went down, removes
 * the tasks of removed services (of every mode), and keeps a bounded history of old tasks
 * per slot. Services of the other modes have their own loops (global.ts, jobs.ts).
 */
import type { Logger } from '../../lib/log.js';
import type { Service, Task } from '../../proto/types.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { Orchestrator, type Touched } from './orchestrator.js';
import {
  byCreation,
  lastSlot,
  retireSlot,
  settleSlot,
  slotsToVisit,
  tasksBySlot,
  tasksLeaving,
} from './slots.js';
import { finished, historyToKeep, reap } from './task-history.js';
import { newTask, withDesiredState } from '../services/tasks.js';
import { overlaps } from '../../proto/service-update.js';

export class ReplicatedOrchestrator extends Orchestrator {
  constructor(store: Store, log: Logger, now: () => number = Date.now) {
    super('orchestrator', store, log, now);
  }

  protected owns(service: Service | undefined): boolean {
    return !service || service.spec?.mode === 'replicated';
  }

  /** A node that goes down, is removed or is drained gives up its tasks (their slots). */
  protected nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): Task[] {
    return tasksLeaving(tx, e);
  }

  protected override readonly slotted = true;

  protected override slotOf(task: Task): number | undefined {
    return task.slot > 0 ? task.slot : undefined;
  }

  protected reconcileService(
    tx: WriteTx,
    service: Service | undefined,
    tasks: Task[],
    now: number,
    touched: Touched,
  ): void {
    if (!service) {
      removeTasks(tx, tasks);
      return;
    }
    const replicas = service.spec?.replicated?.replicas ?? 0;
    const bySlot = tasksBySlot(tasks);
    const keep = historyToKeep(tx, service);
    const visit = slotsToVisit(
      touched,
      Math.min(lastSlot(bySlot, replicas), (touched.until ?? Infinity) - 1),
    );
    let i = 0;
    // Out of new tasks or changes for this pass: the next one starts at the slot it stopped at.
    const rest = () => ({
      from: Math.max(visit[i]!, touched.from),
      slots: new Set(visit.slice(i).filter((s) => s < touched.from)),
    });
    for (; i < visit.length; i++) {
      if (this.passFull()) return this.leave(service.id, rest());
      const slot = visit[i]!;
      const history = (bySlot.get(slot) ?? []).sort(byCreation);
      if (slot > replicas) {
        retireSlot(tx, history);
        continue;
      }
      if (!this.fillSlot(tx, service, slot, history, now, rest)) return;
      reap(tx, history, keep);
    }
  }

  /** Fills the slot if it needs a task and may have one; false when this pass may create no more. */
  private fillSlot(
    tx: WriteTx,
    service: Service,
    slot: number,
    history: Task[],
    now: number,
    rest: () => Touched,
  ): boolean {
    if (settleSlot(tx, history, overlaps(service))) return true;
    if (!this.mayStartAnother(tx, service, history, now, { slot })) return true;
    if (!this.mayCreate(service.id, rest)) return false;
    this.create(tx, newTask(service, slot, now));
    return true;
  }
}

/** A removed service's tasks: stop those that run, delete those that have stopped. */
function removeTasks(tx: WriteTx, tasks: Task[]): void {
  for (const t of tasks) {
    if (finished(tx, t) || !t.nodeId) tx.delete('tasks', t.id);
    else if (t.desiredState !== 'REMOVE') tx.update('tasks', withDesiredState(t, 'REMOVE'));
  }
}
