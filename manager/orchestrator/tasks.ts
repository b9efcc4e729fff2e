/** The orchestrators' shared base and the facts about a service's tasks they agree on: slots, history, restarts. */
import type { Logger } from '../../lib/log.js';
import { isJob, isTerminal, taskStateRank, type Node, type Service, type Task } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import { isActive, withDesiredState } from '../services/tasks.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';

export const DEFAULT_HISTORY_LIMIT = 5;

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

export function byCreation(a: Task, b: Task): number {
  return (
    (a.meta?.createdAt ?? 0) - (b.meta?.createdAt ?? 0) || (a.meta?.version ?? 0) - (b.meta?.version ?? 0)
  );
}

function nodeLost(node: Node | undefined): boolean {
  return !node || node.status?.state === 'DOWN';
}

/** Why a node's tasks must stop there, if they must. */
export function whyLeaving(node: Node | undefined): string | undefined {
  if (!node) return 'node was removed';
  if (node.status?.state === 'DOWN') return 'node is down';
  if (node.spec?.availability === 'DRAIN') return 'node is drained';
  return undefined;
}

/** The services with tasks on a node that has just gone down, been removed or drained. */
export function servicesLeaving(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): string[] {
  if (e.kind !== 'delete' && !whyLeaving(e.object)) return [];
  if (e.kind === 'update' && e.old && whyLeaving(e.old) === whyLeaving(e.object)) return [];
  return tx.tasksByNode(e.object.id).map((t) => t.serviceId);
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

/**
 * How many of a unit's active tasks (oldest first) stay: the newest, and in an overlap the
 * one it replaces, while the newest has not started running or is a canary.
 */
export function keptBeside(active: Task[], overlap: boolean): number {
  const newest = active.at(-1);
  return overlap && active.length > 1 && (newest?.status?.state !== 'RUNNING' || newest.canary) ? 2 : 1;
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

/** Whether the last task of a slot stopped while it was meant to run (so the slot may restart). */
export function stoppedRunning(last: Task | undefined): last is Task {
  return (
    !!last &&
    taskStateRank(last.desiredState) <= taskStateRank('RUNNING') &&
    isTerminal(last.status?.state ?? 'NEW')
  );
}

/**
 * Milliseconds until a slot whose last task stopped may restart, 0 for now, or 'never' per
 * the restart policy. A job's completed task is never restarted.
 */
export function restartWait(
  service: Service,
  history: Task[],
  last: Task,
  now: number,
  log: Logger,
  where: Record<string, unknown>,
): number | 'never' {
  const policy = service.spec?.task?.restart;
  const condition = policy?.condition ?? 'RESTART_ANY';
  const completed = last.status?.state === 'COMPLETE';
  if (condition === 'RESTART_NONE') return 'never';
  if (completed && (condition === 'RESTART_ON_FAILURE' || isJob(service.spec))) return 'never';
  const maxAttempts = policy?.maxAttempts ?? 0;
  if (maxAttempts > 0) {
    const windowStart = policy?.windowMs ? now - policy.windowMs : 0;
    const restarts = history.filter((t) => (t.meta?.createdAt ?? 0) >= windowStart).length - 1;
    if (restarts >= maxAttempts) {
      log.info({ service: service.spec?.name, ...where }, 'restart attempts exhausted; slot left stopped');
      return 'never';
    }
  }
  return Math.max(0, (last.status?.timestamp ?? 0) + (policy?.delayMs ?? 0) - now);
}

/**
 * The shape of an orchestrator: the services it owns are noted as they, their tasks or
 * their nodes change, reconciled in one store update per pass, and noted again later when
 * a restart has to wait.
 */
export abstract class Orchestrator {
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly loop: ControlLoop;

  constructor(
    name: string,
    protected readonly store: Store,
    protected readonly log: Logger,
    protected readonly now: () => number,
  ) {
    this.loop = new ControlLoop(
      name,
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
      for (const t of this.timers.values()) clearTimeout(t.timer);
    }
  }

  /**
   * Resolves once the changes up to store index `index` are reconciled and no restart
   * waits on its delay (see ControlLoop.settled).
   */
  async settled(index: number): Promise<void> {
    await this.loop.settled(index);
    while (this.timers.size > 0) {
      const due = Math.min(...[...this.timers.values()].map((t) => t.at));
      // The retry's own timer fires first and pokes the loop, which settled then waits for.
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 1));
      await this.loop.settled(index);
    }
  }

  /** Whether this loop reconciles the service (undefined: a service that was removed). */
  protected abstract owns(service: Service | undefined): boolean;

  /** The services a node change touches. */
  protected abstract nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): string[];

  protected abstract reconcileService(
    tx: WriteTx,
    service: Service | undefined,
    tasks: Task[],
    now: number,
  ): void;

  /** Whether a task update matters to this loop; by default only changes that free or fill a slot. */
  protected taskChanged(old: Task, task: Task): boolean {
    return !sameLifecycle(old, task);
  }

  /** Reconciles the service again in `ms` (a restart delay), or sooner if already due sooner. */
  protected retryLater(serviceId: string, ms: number): void {
    const at = Date.now() + ms;
    const pending = this.timers.get(serviceId);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(serviceId);
      this.dirty.add(serviceId);
      this.loop.poke();
    }, ms);
    this.timers.set(serviceId, { at, timer });
  }

  private note(ids: string[]): boolean {
    for (const id of ids) this.dirty.add(id);
    return ids.length > 0;
  }

  private start(tx: ReadTx): void {
    for (const s of tx.all('services')) if (this.owns(s)) this.dirty.add(s.id);
    // Tasks whose service is gone (removed while no leader ran this loop).
    if (!this.owns(undefined)) return;
    for (const t of tx.all('tasks')) if (!tx.get('services', t.serviceId)) this.dirty.add(t.serviceId);
  }

  private event(e: StoreEvent): boolean {
    switch (e.table) {
      case 'services':
        return this.note(this.owns(e.kind === 'delete' ? undefined : e.object) ? [e.object.id] : []);
      case 'tasks': {
        const task = e.object;
        if (e.kind === 'update' && e.old && !this.taskChanged(e.old, task)) return false;
        const service = this.store.view((tx) => tx.get('services', task.serviceId));
        return this.note(this.owns(service) ? [task.serviceId] : []);
      }
      case 'nodes':
        return this.note(this.store.view((tx) => this.nodeChanged(tx, e)));
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
        const now = this.now();
        for (const id of ids) {
          const service = tx.get('services', id);
          if (this.owns(service)) this.reconcileService(tx, service, tx.tasksByService(id), now);
        }
      });
    } catch (err) {
      for (const id of ids) this.dirty.add(id);
      throw err;
    }
  }
}
