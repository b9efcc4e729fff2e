/** How much of a slot's history is kept, and when a task in it is finished and may be deleted. */
import { isTerminal, taskStateRank, type Node, type Service, type Task } from '../../proto/types.js';
import type { ReadTx, WriteTx } from '../store/types.js';

export const DEFAULT_HISTORY_LIMIT = 5;

function nodeLost(node: Node | undefined): boolean {
  return !node || node.status?.state === 'DOWN';
}

export function historyLimit(tx: ReadTx): number {
  const cluster = tx.all('clusters')[0];
  return cluster?.spec?.taskHistoryLimit || DEFAULT_HISTORY_LIMIT;
}

/** How much of a slot's history to keep: restarts are counted in it. */
export function historyToKeep(tx: ReadTx, service: Service): number {
  return Math.max(historyLimit(tx), service.spec?.task?.restart?.maxAttempts ?? 0);
}

/** A task that will not run again and that no worker still has to stop. */
export function finished(tx: ReadTx, t: Task): boolean {
  if (isTerminal(t.status?.state ?? 'NEW')) return true;
  const stopping = taskStateRank(t.desiredState) > taskStateRank('RUNNING');
  return (
    stopping &&
    (!t.nodeId ||
      taskStateRank(t.status?.state ?? 'NEW') < taskStateRank('ASSIGNED') ||
      nodeLost(tx.get('nodes', t.nodeId)))
  );
}

/** Deletes the oldest finished tasks beyond `keep` in one slot's history. */
export function reap(tx: WriteTx, history: Task[], keep: number): void {
  const done = history.filter(
    (t) => taskStateRank(t.desiredState) > taskStateRank('RUNNING') && finished(tx, t),
  );
  for (const t of done.slice(0, Math.max(0, done.length - keep))) tx.delete('tasks', t.id);
}
