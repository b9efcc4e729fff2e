/** A service's tasks by slot: which change frees or fills one, which of a slot's tasks stay, why a node's tasks leave. */
import { isTerminal, taskStateRank, type Node, type Task } from '../../proto/types.js';
import { isActive, withDesiredState } from '../services/tasks.js';
import type { ReadTx, StoreEvent, WriteTx } from '../store/types.js';
import type { Touched } from './orchestrator.js';
import { reap } from './task-history.js';

/** Whether a task change frees or fills a slot (the only changes the orchestrators act on). */
export function sameLifecycle(a: Task, b: Task): boolean {
  return (
    a.desiredState === b.desiredState &&
    isTerminal(a.status?.state ?? 'NEW') === isTerminal(b.status?.state ?? 'NEW') &&
    a.nodeId === b.nodeId
  );
}

/** A service's tasks grouped by slot, in the order given. */
export function tasksBySlot(tasks: Task[]): Map<number, Task[]> {
  const bySlot = new Map<number, Task[]>();
  for (const t of tasks) {
    let slot = bySlot.get(t.slot);
    if (!slot) bySlot.set(t.slot, (slot = []));
    slot.push(t);
  }
  return bySlot;
}

/**
 * The highest slot to visit: the service's count, or a slot beyond it that still holds tasks.
 * Taken once before the loop over the slots (as the loop's condition it cost a pass over
 * every slot per slot: a million steps for a service of 1,000 replicas).
 */
export function lastSlot(bySlot: Map<number, Task[]>, count: number): number {
  let last = count;
  for (const slot of bySlot.keys()) last = Math.max(last, slot);
  return last;
}

export function byCreation(a: Task, b: Task): number {
  return (
    (a.meta?.createdAt ?? 0) - (b.meta?.createdAt ?? 0) || (a.meta?.version ?? 0) - (b.meta?.version ?? 0)
  );
}

/** Why a node's tasks must stop there, if they must. */
export function whyLeaving(node: Node | undefined): string | undefined {
  if (!node) return 'node was removed';
  if (node.status?.state === 'DOWN') return 'node is down';
  if (node.spec?.availability === 'DRAIN') return 'node is drained';
  return undefined;
}

/** The tasks on a node that has just gone down, been removed or drained. */
export function tasksLeaving(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): Task[] {
  if (e.kind !== 'delete' && !whyLeaving(e.object)) return [];
  if (e.kind === 'update' && e.old && whyLeaving(e.old) === whyLeaving(e.object)) return [];
  return tx.tasksByNode(e.object.id);
}

/**
 * The slots a pass visits, in order: those `touched` (see Touched), up to `last` for a
 * service touched from a slot on (a touched slot past it holds no task: visited all the same).
 */
export function slotsToVisit(touched: Touched, last: number): number[] {
  const visit = [...touched.slots].filter((s) => s < touched.from).sort((a, b) => a - b);
  for (let slot = touched.from; slot <= last; slot++) visit.push(slot);
  return visit;
}

/**
 * Settles the active tasks of a slot whose tasks go wherever the scheduler puts them: those
 * on a node that is down, gone or drained are shut down (to be replaced), and of the rest
 * only the newest is kept — and, with `overlap` (a start-first update, or canaries), the one
 * before it (see keptBeside). Tasks that stopped while meant to run, in a slot that another
 * task keeps running (say a start-first update's new task that failed beside the old one),
 * will not run again, and are marked so. Returns the newest active task, if any.
 */
export function settleSlot(tx: WriteTx, history: Task[], overlap = false): Task | undefined {
  const leaving = (t: Task) => (t.nodeId ? whyLeaving(tx.get('nodes', t.nodeId)) : undefined);
  const active: Task[] = [];
  for (const t of history.filter(isActive)) {
    const why = leaving(t);
    if (!why) active.push(t);
    else {
      tx.update('tasks', {
        ...withDesiredState(t, 'SHUTDOWN'),
        status: t.status && { ...t.status, message: `${why}; task replaced` },
      });
    }
  }
  for (const t of active.slice(0, -keptBeside(active, overlap))) {
    tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
  }
  if (active.length > 0) {
    for (const t of history.filter(stoppedRunning)) tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
  }
  return active.at(-1);
}

/** A slot beyond the service's count: its active tasks are shut down and its history goes. */
export function retireSlot(tx: WriteTx, history: Task[]): void {
  for (const t of history) if (isActive(t)) tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
  reap(tx, history, 0);
}

/**
 * How many of a unit's active tasks (oldest first) stay: the newest, and in an overlap the
 * one it replaces, while the newest has not started running or is a canary.
 */
export function keptBeside(active: Task[], overlap: boolean): number {
  const newest = active.at(-1);
  return overlap && active.length > 1 && (newest?.status?.state !== 'RUNNING' || newest.canary) ? 2 : 1;
}

/** Whether the last task of a slot stopped while it was meant to run (so the slot may restart). */
export function stoppedRunning(last: Task | undefined): last is Task {
  return (
    !!last &&
    taskStateRank(last.desiredState) <= taskStateRank('RUNNING') &&
    isTerminal(last.status?.state ?? 'NEW')
  );
}
