/**
 * The replicated orchestrator: keeps `replicas` slots of every service filled with one
 * active task each. It fills empty slots, shuts down tasks in slots beyond the count,
 * replaces tasks that stopped (per the restart policy) or whose node went down, removes
 * the tasks of removed services (of every mode), and keeps a bounded history of old tasks
 * per slot. Services of the other modes have their own loops (global.ts, jobs.ts).
 */
import type { Logger } from '../../lib/log.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import {
  byCreation,
  finished,
  historyToKeep,
  isActive,
  newTask,
  reap,
  restartWait,
  sameLifecycle,
  stoppedRunning,
  withDesiredState,
} from './tasks.js';

export class ReplicatedOrchestrator {
  private readonly dirty = new Set<string>();
  private readonly loop: ControlLoop;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.loop = new ControlLoop(
      'orchestrator',
      store,
      { tables: ['services', 'tasks', 'nodes'] },
      { start: (tx) => this.start(tx), event: (e) => this.event(e), reconcile: () => this.reconcile() },
      log,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.loop.run(signal);
    } finally {
      for (const t of this.timers.values()) clearTimeout(t);
    }
  }

  private start(tx: ReadTx): void {
    for (const s of tx.all('services')) this.dirty.add(s.id);
    // Tasks whose service is gone (removed while no leader ran this loop).
    for (const t of tx.all('tasks')) if (!tx.get('services', t.serviceId)) this.dirty.add(t.serviceId);
  }

  private event(e: StoreEvent): boolean {
    switch (e.table) {
      case 'services':
        this.dirty.add(e.object.id);
        return true;
      case 'tasks': {
        const task = e.object;
        // Only changes that free or fill a slot matter here.
        if (e.kind === 'update' && e.old && sameLifecycle(e.old, task)) return false;
        this.dirty.add(task.serviceId);
        return true;
      }
      case 'nodes': {
        // A node that goes down, is removed or is drained gives up its tasks.
        if (e.kind !== 'delete' && !whyLeaving(e.object)) return false;
        if (e.kind === 'update' && e.old && whyLeaving(e.old) === whyLeaving(e.object)) return false;
        const ids = this.store.view((tx) => tx.tasksByNode(e.object.id).map((t) => t.serviceId));
        for (const id of ids) this.dirty.add(id);
        return ids.length > 0;
      }
      default:
        return false;
    }
  }

  private async reconcile(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    try {
      await this.store.update((tx) => {
        for (const id of ids) this.reconcileService(tx, id);
      });
    } catch (err) {
      for (const id of ids) this.dirty.add(id);
      throw err;
    }
  }

  private reconcileService(tx: WriteTx, serviceId: string): void {
    const service = tx.get('services', serviceId);
    const tasks = tx.tasksByService(serviceId);
    const now = this.now();
    if (!service) {
      removeTasks(tx, tasks);
      return;
    }
    if (service.spec?.mode !== 'replicated') return;
    const replicas = service.spec.replicated?.replicas ?? 0;
    const bySlot = new Map<number, Task[]>();
    for (const t of tasks) {
      let slot = bySlot.get(t.slot);
      if (!slot) bySlot.set(t.slot, (slot = []));
      slot.push(t);
    }
    for (let slot = 1; slot <= Math.max(replicas, ...bySlot.keys()); slot++) {
      const history = (bySlot.get(slot) ?? []).sort(byCreation);
      if (slot > replicas) {
        for (const t of history) if (isActive(t)) tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
        reap(tx, history, 0);
        continue;
      }
      this.fillSlot(tx, service, slot, history, now);
      reap(tx, history, historyToKeep(tx, service));
    }
  }

  private fillSlot(tx: WriteTx, service: Service, slot: number, history: Task[], now: number): void {
    let active = history.filter(isActive);
    // A task on a node that is down, gone or drained is replaced now.
    const leaving = (t: Task) => (t.nodeId ? whyLeaving(tx.get('nodes', t.nodeId)) : undefined);
    for (const t of active) {
      const why = leaving(t);
      if (why) {
        tx.update('tasks', {
          ...withDesiredState(t, 'SHUTDOWN'),
          status: t.status && { ...t.status, message: `${why}; task replaced` },
        });
      }
    }
    active = active.filter((t) => !leaving(t));
    // Never more than one active task per slot: keep the newest.
    for (const t of active.slice(0, -1)) tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
    if (active.length > 0) return;

    const last = history.at(-1);
    if (stoppedRunning(last)) {
      const wait = restartWait(service, history, last, now, this.log, { slot });
      if (wait === 'never') return;
      if (wait > 0) {
        this.retryLater(service.id, wait);
        return;
      }
      tx.update('tasks', withDesiredState(last, 'SHUTDOWN'));
    }
    tx.create('tasks', newTask(service, slot, now));
  }

  private retryLater(serviceId: string, ms: number): void {
    if (this.timers.has(serviceId)) return;
    this.timers.set(
      serviceId,
      setTimeout(() => {
        this.timers.delete(serviceId);
        this.dirty.add(serviceId);
        this.loop.poke();
      }, ms),
    );
  }
}

/** Why a node's replicated tasks must move elsewhere, if they must. */
function whyLeaving(node: Node | undefined): string | undefined {
  if (!node) return 'node was removed';
  if (node.status?.state === 'DOWN') return 'node is down';
  if (node.spec?.availability === 'DRAIN') return 'node is drained';
  return undefined;
}

/** A removed service's tasks: stop those that run, delete those that have stopped. */
function removeTasks(tx: WriteTx, tasks: Task[]): void {
  for (const t of tasks) {
    if (finished(tx, t) || !t.nodeId) tx.delete('tasks', t.id);
    else if (t.desiredState !== 'REMOVE') tx.update('tasks', withDesiredState(t, 'REMOVE'));
  }
}
