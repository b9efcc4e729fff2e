/**
 * The global orchestrator: one task on every eligible node (ready, active, with a runtime
 * for the image, within the constraints) for each global service, or, in mode `globalJob`,
 * one task per node run to completion and not run again. Tasks have slot 0, are keyed by
 * node and are created with it; the scheduler assigns them once the node has room (their
 * reservations, affinities). A node
 * that drains, goes down or is removed has its task shut down, not replaced elsewhere; a
 * paused node keeps its task but gets no new one. A task that stops is restarted on its
 * node per the restart policy.
 */
import type { Logger } from '../../lib/log.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { filtersFor, placementChanged } from '../scheduler/filters.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { Orchestrator } from './orchestrator.js';
import { byCreation, keptBeside, whyLeaving } from './slots.js';
import { historyToKeep, reap } from './task-history.js';
import { isActive, newTask, withDesiredState } from '../services/tasks.js';
import { overlaps } from '../../proto/service-update.js';

export type GlobalMode = 'global' | 'globalJob';

export class GlobalOrchestrator extends Orchestrator {
  constructor(
    store: Store,
    log: Logger,
    private readonly mode: GlobalMode = 'global',
    now: () => number = Date.now,
  ) {
    super(mode === 'global' ? 'global-orchestrator' : 'global-job-orchestrator', store, log, now);
  }

  protected owns(service: Service | undefined): boolean {
    return service?.spec?.mode === this.mode;
  }

  /** Any node that comes, goes or changes what it can run touches every service of the mode. */
  protected nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): string[] {
    if (e.kind === 'update' && e.old && !placementChanged(e.old, e.object)) return [];
    return tx
      .all('services')
      .filter((s) => this.owns(s))
      .map((s) => s.id);
  }

  protected reconcileService(tx: WriteTx, service: Service | undefined, tasks: Task[], now: number): void {
    if (!service) return; // the replicated orchestrator removes the tasks of removed services
    const byNode = new Map<string, Task[]>(tx.all('nodes').map((n) => [n.id, []]));
    for (const t of tasks) {
      let history = byNode.get(t.nodeId);
      if (!history) byNode.set(t.nodeId, (history = []));
      history.push(t);
    }
    const probe = newTask(service, 0, now);
    const checks = filtersFor(probe);
    for (const [nodeId, history] of byNode) {
      history.sort(byCreation);
      const node = tx.get('nodes', nodeId);
      const paused = node?.spec?.availability === 'PAUSE';
      // A paused node is judged as if active: it keeps a task it may otherwise run.
      const judged =
        node && paused ? { ...node, spec: { ...node.spec!, availability: 'ACTIVE' as const } } : node;
      const refusal = judged ? checks.find((f) => !f.accepts(judged, probe))?.reason : undefined;
      const why = whyLeaving(node) ?? refusal;
      if (why || !node) {
        for (const t of history.filter(isActive)) {
          tx.update('tasks', {
            ...withDesiredState(t, 'SHUTDOWN'),
            status: t.status && { ...t.status, message: `${why}; task shut down` },
          });
        }
      } else {
        this.fillNode(tx, service, node, paused, history, now);
      }
      reap(tx, history, node ? historyToKeep(tx, service) : 0);
    }
  }

  private fillNode(
    tx: WriteTx,
    service: Service,
    node: Node,
    paused: boolean,
    history: Task[],
    now: number,
  ): void {
    const active = history.filter(isActive);
    // Never more than one active task per node: keep the newest (and in a start-first update the one it replaces).
    for (const t of active.slice(0, -keptBeside(active, overlaps(service)))) {
      tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
    }
    if (active.length > 0 || paused) return;
    if (!this.mayStartAnother(tx, service, history, now, { node: node.id }) || !this.mayCreate(service.id))
      return;
    tx.create('tasks', newTask(service, 0, now, node.id));
  }
}
