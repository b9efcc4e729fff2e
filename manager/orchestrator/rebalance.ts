/**
 * Opt-in rebalancing of replicated services. The setting is the service label
 * `flotilla.rebalance=true` (`cluster service update --rebalance` sets it). When such a
 * service's tasks are spread over the nodes that may run them (by the scheduler's filters)
 * unevenly by more than one, one task on the fullest node is shut down: the replicated
 * orchestrator refills its slot and the scheduler places the replacement by spread. One move
 * at a time (parallelism 1, until there is an update policy): the next waits until every
 * task of the service runs again. Leader-only, like every loop.
 */
import type { Logger } from '../../lib/log.js';
import { REBALANCE_LABEL, type Node, type Service, type Task } from '../../proto/types.js';
import { TaskGroup } from '../scheduler/group.js';
import { Usage } from '../scheduler/usage.js';
import type { ReadTx, Store, WriteTx } from '../store/types.js';
import { eligibleNodes } from '../scheduler/filters.js';
import { Orchestrator } from './orchestrator.js';
import { byCreation, sameLifecycle } from './slots.js';
import { isActive, newTask, withDesiredState } from '../services/tasks.js';

export function wantsRebalance(service: Service | undefined): service is Service {
  return service?.spec?.mode === 'replicated' && service.spec.labels[REBALANCE_LABEL] === 'true';
}

/**
 * The task to move now, if any: none while the service is not settled (scaling, restarting,
 * a move under way), none when the spread is even within one, and none unless the scheduler
 * would place the replacement on a node that then holds fewer tasks of the service than the
 * fullest one (resources, limits and preferences may send it elsewhere, even back).
 */
export function taskToMove(tx: ReadTx, service: Service): Task | undefined {
  const replicas = service.spec?.replicated?.replicas ?? 0;
  const active = tx.tasksByService(service.id).filter(isActive);
  if (active.length !== replicas || active.some((t) => t.status?.state !== 'RUNNING')) return undefined;
  const nodes = eligibleNodes(tx.all('nodes'), service);
  // What the nodes carry as the scheduler counts it, every service's tasks included.
  const usage = new Usage();
  for (const n of nodes) for (const t of tx.tasksByNode(n.id)) usage.track(t);
  const count = (n: Node) => usage.of(n.id).byService.get(service.id) ?? 0;
  const byCount = [...nodes].sort((a, b) => count(b) - count(a) || a.id.localeCompare(b.id));
  const fullest = byCount[0];
  const emptiest = byCount.at(-1);
  if (!fullest || !emptiest || count(fullest) - count(emptiest) <= 1) return undefined;
  const victim = active
    .filter((t) => t.nodeId === fullest.id)
    .sort(byCreation)
    .at(-1);
  if (!victim) return undefined;
  usage.forget(victim.id);
  const choice = new TaskGroup(newTask(service, victim.slot, 0), nodes, usage, () =>
    tx.all('services'),
  ).pick();
  if (typeof choice === 'string' || count(choice.node) >= count(fullest)) return undefined;
  return victim;
}

/** The orchestrator loop for rebalanced services: each pass moves at most one task of each. */
export class Rebalancer extends Orchestrator {
  constructor(store: Store, log: Logger) {
    super('rebalancer', store, log, Date.now);
  }

  protected owns(service: Service | undefined): boolean {
    return wantsRebalance(service);
  }

  /** A task that starts RUNNING matters too: it ends a move. */
  protected override taskChanged(old: Task, task: Task): boolean {
    return !sameLifecycle(old, task) || old.status?.state !== task.status?.state;
  }

  /** A node that joins or comes back may take tasks. */
  protected nodeChanged(tx: ReadTx): string[] {
    return tx
      .all('services')
      .filter(wantsRebalance)
      .map((s) => s.id);
  }

  protected reconcileService(tx: WriteTx, service: Service | undefined): void {
    const victim = wantsRebalance(service) ? taskToMove(tx, service) : undefined;
    if (!victim) return;
    this.log.info(
      { service: service?.spec?.name, slot: victim.slot, node: victim.nodeId },
      'rebalancing: moving a task off the fullest node',
    );
    tx.update('tasks', {
      ...withDesiredState(victim, 'SHUTDOWN'),
      status: victim.status && { ...victim.status, message: 'rebalancing; task replaced' },
    });
  }
}
