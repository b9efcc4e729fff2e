/** The orchestrators' shared loop: which services to reconcile, when, and in one store update per pass. */
import type { Logger } from '../../lib/log.js';
import type { Service, Task } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { withDesiredState } from '../services/tasks.js';
import { restartWait } from './restart-policy.js';
import { sameLifecycle, stoppedRunning } from './slots.js';

/**
 * New tasks one pass writes at most. A service of thousands of replicas is filled over
 * several passes, each one write, so that no turn of the leader's event loop (the write's
 * encoding, its apply, the events to every loop) holds for all of them at once.
 */
export const NEW_TASKS_PER_PASS = 256;

/**
 * The shape of an orchestrator: the services it owns are noted as they, their tasks or
 * their nodes change, reconciled in one store update per pass, and noted again later when
 * a restart has to wait.
 */
export abstract class Orchestrator {
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly loop: ControlLoop;
  /** New tasks the current pass may still create; services it had to leave unfilled. */
  private budget = NEW_TASKS_PER_PASS;
  private readonly unfilled = new Set<string>();

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

  /**
   * Whether a new task may take the place of the last of `history` now. Yes when that task did
   * not stop running (or there is none); when it stopped, per the restart policy: not yet (the
   * service is reconciled again when its delay is over) or never, else yes once the stopped
   * task is shut down. `where` names the slot or node in the log.
   */
  protected mayStartAnother(
    tx: WriteTx,
    service: Service,
    history: Task[],
    now: number,
    where: Record<string, unknown>,
  ): boolean {
    const last = history.at(-1);
    if (!stoppedRunning(last)) return true;
    const wait = restartWait(service, history, last, now, this.log, where);
    if (wait === 'never') return false;
    if (wait > 0) {
      this.retryLater(service.id, wait);
      return false;
    }
    tx.update('tasks', withDesiredState(last, 'SHUTDOWN'));
    return true;
  }

  /**
   * Whether the current pass may create one more task for the service (counted as created:
   * ask just before creating it); if not, the service is reconciled again in the next pass.
   */
  protected mayCreate(serviceId: string): boolean {
    if (this.budget > 0) {
      this.budget--;
      return true;
    }
    this.unfilled.add(serviceId);
    return false;
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
        // A retried write function starts over.
        this.budget = NEW_TASKS_PER_PASS;
        this.unfilled.clear();
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
    if (this.unfilled.size > 0) {
      for (const id of this.unfilled) this.dirty.add(id);
      this.loop.poke();
    }
  }
}
