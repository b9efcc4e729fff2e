/**
 * The replicated-job orchestrator: runs `totalCompletions` tasks to completion, at most
 * `maxConcurrent` at a time, one slot (1..total) per completion. A slot with a completed
 * task is done and never runs again; a task that fails is restarted per the restart
 * policy; a task on a node that goes down, is removed or drained is replaced elsewhere.
 * Global jobs are the global orchestrator's (global.ts, mode `globalJob`).
 */
import type { Logger } from '../../lib/log.js';
import type { Service, Task } from '../../proto/types.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { Orchestrator } from './orchestrator.js';
import { byCreation, lastSlot, retireSlot, settleSlot, tasksBySlot, tasksLeaving } from './slots.js';
import { historyToKeep, reap } from './task-history.js';
import { newTask } from '../services/tasks.js';

export class ReplicatedJobOrchestrator extends Orchestrator {
  constructor(store: Store, log: Logger, now: () => number = Date.now) {
    super('replicated-job-orchestrator', store, log, now);
  }

  protected owns(service: Service | undefined): boolean {
    return service?.spec?.mode === 'replicatedJob';
  }

  protected nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): Task[] {
    return tasksLeaving(tx, e);
  }

  protected reconcileService(tx: WriteTx, service: Service | undefined, tasks: Task[], now: number): void {
    if (!service) return; // the replicated orchestrator removes the tasks of removed services
    const total = service.spec?.replicatedJob?.totalCompletions ?? 0;
    const maxConcurrent = service.spec?.replicatedJob?.maxConcurrent ?? 0;
    const bySlot = tasksBySlot(tasks);
    let running = 0;
    const open: { slot: number; history: Task[] }[] = [];
    const last = lastSlot(bySlot, total);
    for (let slot = 1; slot <= last; slot++) {
      const history = (bySlot.get(slot) ?? []).sort(byCreation);
      if (slot > total) {
        retireSlot(tx, history);
        continue;
      }
      if (settleSlot(tx, history)) running++;
      else if (!history.some((t) => t.status?.state === 'COMPLETE')) open.push({ slot, history });
      reap(tx, history, historyToKeep(tx, service));
    }
    for (const { slot, history } of open) {
      if (running >= maxConcurrent) return;
      if (!this.mayStartAnother(tx, service, history, now, { slot }) || !this.mayCreate(service.id)) continue;
      tx.create('tasks', newTask(service, slot, now));
      running++;
    }
  }
}
