/**
 * The replicated orchestrator: keeps `replicas` slots of every service filled with one
 * active task each. It fills empty slots, shuts down tasks in slots beyond the count,
 * replaces tasks that stopped (per the restart policy) or whose node went down, removes
 * the tasks of removed services, and keeps a bounded history of old tasks per slot.
 */
import type { Logger } from '../../lib/log.js';
import { isTerminal, taskStateRank, type Node, type Service, type Task } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { isActive, newTask, withDesiredState } from './tasks.js';

export const DEFAULT_HISTORY_LIMIT = 5;

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
    const replicas = service.spec?.replicated?.replicas ?? 0;
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
      // Restarts are counted in the slot's history: keep enough of it to count them.
      reap(tx, history, Math.max(historyLimit(tx), service.spec?.task?.restart?.maxAttempts ?? 0));
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
    if (
      last &&
      taskStateRank(last.desiredState) <= taskStateRank('RUNNING') &&
      isTerminal(last.status?.state ?? 'NEW')
    ) {
      const wait = this.restartWait(service, slot, history, last, now);
      if (wait === 'never') return;
      if (wait > 0) {
        this.retryLater(service.id, wait);
        return;
      }
      tx.update('tasks', withDesiredState(last, 'SHUTDOWN'));
    }
    tx.create('tasks', newTask(service, slot, now));
  }

  /** Milliseconds until the slot may restart, 0 for now, or 'never' per the restart policy. */
  private restartWait(
    service: Service,
    slot: number,
    history: Task[],
    last: Task,
    now: number,
  ): number | 'never' {
    const policy = service.spec?.task?.restart;
    const condition = policy?.condition ?? 'RESTART_ANY';
    if (condition === 'RESTART_NONE') return 'never';
    if (condition === 'RESTART_ON_FAILURE' && last.status?.state === 'COMPLETE') return 'never';
    const maxAttempts = policy?.maxAttempts ?? 0;
    if (maxAttempts > 0) {
      const windowStart = policy?.windowMs ? now - policy.windowMs : 0;
      const restarts = history.filter((t) => (t.meta?.createdAt ?? 0) >= windowStart).length - 1;
      if (restarts >= maxAttempts) {
        this.log.info({ service: service.spec?.name, slot }, 'restart attempts exhausted; slot left stopped');
        return 'never';
      }
    }
    return Math.max(0, (last.status?.timestamp ?? 0) + (policy?.delayMs ?? 0) - now);
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

function sameLifecycle(a: Task, b: Task): boolean {
  return (
    a.desiredState === b.desiredState &&
    isTerminal(a.status?.state ?? 'NEW') === isTerminal(b.status?.state ?? 'NEW') &&
    a.nodeId === b.nodeId
  );
}

function byCreation(a: Task, b: Task): number {
  return (
    (a.meta?.createdAt ?? 0) - (b.meta?.createdAt ?? 0) || (a.meta?.version ?? 0) - (b.meta?.version ?? 0)
  );
}

function nodeLost(node: Node | undefined): boolean {
  return !node || node.status?.state === 'DOWN';
}

/** Why a node's replicated tasks must move elsewhere, if they must. */
function whyLeaving(node: Node | undefined): string | undefined {
  if (!node) return 'node was removed';
  if (node.status?.state === 'DOWN') return 'node is down';
  if (node.spec?.availability === 'DRAIN') return 'node is drained';
  return undefined;
}

function historyLimit(tx: ReadTx): number {
  const cluster = tx.all('clusters')[0];
  return cluster?.spec?.taskHistoryLimit || DEFAULT_HISTORY_LIMIT;
}

/** A task that will not run again and that no worker still has to stop. */
function finished(tx: ReadTx, t: Task): boolean {
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
function reap(tx: WriteTx, history: Task[], keep: number): void {
  const done = history.filter(
    (t) => taskStateRank(t.desiredState) > taskStateRank('RUNNING') && finished(tx, t),
  );
  for (const t of done.slice(0, Math.max(0, done.length - keep))) tx.delete('tasks', t.id);
}

/** A removed service's tasks: stop those that run, delete those that have stopped. */
function removeTasks(tx: WriteTx, tasks: Task[]): void {
  for (const t of tasks) {
    if (finished(tx, t) || !t.nodeId) tx.delete('tasks', t.id);
    else if (t.desiredState !== 'REMOVE') tx.update('tasks', withDesiredState(t, 'REMOVE'));
  }
}
