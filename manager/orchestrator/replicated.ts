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
import { Orchestrator } from './orchestrator.js';
import { byCreation, lastSlot, retireSlot, servicesLeaving, settleSlot, tasksBySlot } from './slots.js';
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

  /** A node that goes down, is removed or is drained gives up its tasks. */
  protected nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): string[] {
    return servicesLeaving(tx, e);
  }

  protected reconcileService(tx: WriteTx, service: Service | undefined, tasks: Task[], now: number): void {
    if (!service) {
      removeTasks(tx, tasks);
      return;
    }
    const replicas = service.spec?.replicated?.replicas ?? 0;
    const bySlot = tasksBySlot(tasks);
    const last = lastSlot(bySlot, replicas);
    for (let slot = 1; slot <= last; slot++) {
      const history = (bySlot.get(slot) ?? []).sort(byCreation);
      if (slot > replicas) {
        retireSlot(tx, history);
        continue;
      }
      this.fillSlot(tx, service, slot, history, now);
      reap(tx, history, historyToKeep(tx, service));
    }
  }

  private fillSlot(tx: WriteTx, service: Service, slot: number, history: Task[], now: number): void {
    if (settleSlot(tx, history, overlaps(service))) return;
    if (!this.mayStartAnother(tx, service, history, now, { slot }) || !this.mayCreate(service.id)) return;
    tx.create('tasks', newTask(service, slot, now));
  }
}

/** A removed service's tasks: stop those that run, delete those that have stopped. */
function removeTasks(tx: WriteTx, tasks: Task[]): void {
  for (const t of tasks) {
    if (finished(tx, t) || !t.nodeId) tx.delete('tasks', t.id);
    else if (t.desiredState !== 'REMOVE') tx.update('tasks', withDesiredState(t, 'REMOVE'));
  }
}
