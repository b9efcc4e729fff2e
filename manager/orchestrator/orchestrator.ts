/**
 * The orchestrators' shared loop: which services to reconcile, when, and in one store update
 * per pass; for an orchestrator of slots (the replicated one), which slots of them.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../../lib/log.js';
import type { Service, Task } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type {
  NamedTable,
  Objects,
  ReadTx,
  Store,
  StoreEvent,
  Table,
  TaskKey,
  WriteTx,
} from '../store/types.js';
import { withDesiredState } from '../services/tasks.js';
import { restartWait } from './restart-policy.js';
import { SlotIndex } from './slot-index.js';
import { sameLifecycle, stoppedRunning } from './slots.js';

/**
 * New tasks one pass writes at most. A service of thousands of replicas is filled over
 * several passes, each one write, so that no turn of the leader's event loop (the write's
 * encoding, its apply, the events to every loop) holds for all of them at once.
 */
export const NEW_TASKS_PER_PASS = 256;

/**
 * Changes one pass writes at most (tasks created, shut down, removed) before it leaves the
 * rest to the next pass: when hundreds of nodes go down at once, their tens of thousands of
 * tasks are shut down and replaced over many writes, not in one that holds the loop for seconds.
 */
export const CHANGES_PER_PASS = 1024;

/**
 * Slots of one service that a pass visits at most, for an orchestrator of slots: a pass over a
 * service of 100,000 replicas visits its first 10,000 slots and leaves the rest to the next
 * passes (one pass over all of them held the leader's event loop for 0.35 s).
 */
export const SLOTS_PER_PASS = 10_000;

/**
 * Tasks one pass reads at most before it leaves the services not visited yet to the next
 * pass (a service is read whole, or a window of its slots, or not at all): a new leader
 * visits every service, and 100,000 tasks in one pass held its event loop for 0.15 s.
 */
const TASKS_READ_PER_PASS = SLOTS_PER_PASS;

/** Tasks the slot index takes in at start in one turn of the event loop. */
const FILL_SLICE = 10_000;

/** A write transaction that counts the changes made through it. */
class CountedTx implements WriteTx {
  changes = 0;
  constructor(private readonly tx: WriteTx) {}
  get index(): number {
    return this.tx.index;
  }
  get<T extends Table>(table: T, id: string): Objects[T] | undefined {
    return this.tx.get(table, id);
  }
  all<T extends Table>(table: T): Objects[T][] {
    return this.tx.all(table);
  }
  tasksByService(serviceId: string): Task[] {
    return this.tx.tasksByService(serviceId);
  }
  tasksByNode(nodeId: string): Task[] {
    return this.tx.tasksByNode(nodeId);
  }
  taskServiceIds(): Iterable<string> {
    return this.tx.taskServiceIds();
  }
  scan<T extends Table>(table: T, after?: string): Iterable<Objects[T]> {
    return this.tx.scan(table, after);
  }
  scanTasks(by: TaskKey, key: string, after?: string): Iterable<Task> {
    return this.tx.scanTasks(by, key, after);
  }
  runningTasks(serviceId: string): number {
    return this.tx.runningTasks(serviceId);
  }
  byName<T extends NamedTable>(table: T, name: string): Objects[T] | undefined {
    return this.tx.byName(table, name);
  }
  create<T extends Table>(table: T, object: Objects[T]): void {
    this.tx.create(table, object);
    this.changes++;
  }
  update<T extends Table>(table: T, object: Objects[T]): void {
    this.tx.update(table, object);
    this.changes++;
  }
  delete(table: Table, id: string): void {
    this.tx.delete(table, id);
    this.changes++;
  }
}

/**
 * What a pass visits of a service: every slot from `from` on (1: the whole service;
 * Infinity: none), and the slots in `slots`. A change to one task touches its slot only, so
 * that a pass over a service of 10,000 replicas costs the slots that changed, not 10,000
 * (a pass that visited every slot of every service held the leader's event loop for up to
 * a second while 100,000 tasks rolled out). Orchestrators that reconcile a service as a
 * whole (slotOf: undefined) are always given the whole service.
 */
export interface Touched {
  from: number;
  slots: Set<number>;
  /**
   * Set by the pass, not by what touched the service: the slots from `from` on are visited
   * only below this one, the rest being left to the next pass.
   */
  until?: number;
}

const whole = (): Touched => ({ from: 1, slots: new Set() });

/** `into` widened by `more`. */
function widen(into: Touched, more: Touched): void {
  into.from = Math.min(into.from, more.from);
  for (const slot of more.slots) if (slot < into.from) into.slots.add(slot);
}

/**
 * The shape of an orchestrator: the services it owns are noted as they, their tasks or
 * their nodes change, reconciled in one store update per pass, and noted again later when
 * a restart has to wait.
 */
export abstract class Orchestrator {
  private readonly dirty = new Map<string, Touched>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout; touched: Touched }>();
  private readonly loop: ControlLoop;
  /** New tasks the current pass may still create; services it had to leave unfilled. */
  private budget = NEW_TASKS_PER_PASS;
  private readonly unfilled = new Map<string, Touched>();
  /** The tasks of services reconciled by slot (see slotOf), by slot. */
  private readonly slots = new SlotIndex();
  /** Tasks the current pass created (for the slot index once written). */
  private created: Task[] = [];
  /** The current pass's transaction, counting its changes. */
  private pass: CountedTx | undefined;

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

  /** What a node change touches: services (whole), or tasks (their slots, see slotOf). */
  protected abstract nodeChanged(tx: ReadTx, e: StoreEvent & { table: 'nodes' }): (string | Task)[];

  /**
   * Reconciles the service: `tasks` are those of the slots `touched` (all of them for an
   * orchestrator that reconciles a service whole).
   */
  protected abstract reconcileService(
    tx: WriteTx,
    service: Service | undefined,
    tasks: Task[],
    now: number,
    touched: Touched,
  ): void;

  /**
   * The slot a change to the task touches, for an orchestrator that reconciles slot by slot
   * (`slotted`); undefined (the default): the whole service.
   */
  protected slotOf(_task: Task): number | undefined {
    return undefined;
  }

  /** Whether this orchestrator reconciles slot by slot (see slotOf): it keeps a slot index. */
  protected readonly slotted: boolean = false;

  /** Whether a task update matters to this loop; by default only changes that free or fill a slot. */
  protected taskChanged(old: Task, task: Task): boolean {
    return !sameLifecycle(old, task);
  }

  /**
   * Reconciles the service (its `slot`, if given) again in `ms` (a restart delay), or sooner
   * if already due sooner: what is not due yet then waits again.
   */
  protected retryLater(serviceId: string, ms: number, slot?: number): void {
    const at = Date.now() + ms;
    const touched: Touched = slot === undefined ? whole() : { from: Infinity, slots: new Set([slot]) };
    const pending = this.timers.get(serviceId);
    if (pending) widen(touched, pending.touched);
    if (pending && pending.at <= at) {
      pending.touched = touched;
      return;
    }
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      const due = this.timers.get(serviceId);
      this.timers.delete(serviceId);
      if (due) this.touch(serviceId, due.touched);
      this.loop.poke();
    }, ms);
    this.timers.set(serviceId, { at, timer, touched });
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
      this.retryLater(service.id, wait, this.slotOf(last));
      return false;
    }
    tx.update('tasks', withDesiredState(last, 'SHUTDOWN'));
    return true;
  }

  /**
   * Whether the current pass may create one more task for the service (counted as created:
   * ask just before creating it); if not, the next pass visits the service again: `rest`
   * of it (default: all of it), and the caller should visit no more of it in this pass.
   */
  protected mayCreate(serviceId: string, rest?: () => Touched): boolean {
    if (this.budget > 0) {
      this.budget--;
      return true;
    }
    this.leave(serviceId, rest?.() ?? whole());
    return false;
  }

  /** Whether the current pass has made its share of changes (CHANGES_PER_PASS). */
  protected passFull(): boolean {
    return (this.pass?.changes ?? 0) >= CHANGES_PER_PASS;
  }

  /** Leaves `rest` of the service to the next pass. */
  protected leave(serviceId: string, rest: Touched): void {
    const known = this.unfilled.get(serviceId);
    if (known) widen(known, rest);
    else this.unfilled.set(serviceId, rest);
  }

  /** Creates a task in the current pass. */
  protected create(tx: WriteTx, task: Task): void {
    tx.create('tasks', task);
    this.created.push(task);
  }

  /** Notes that a pass must visit `touched` of the service (a slot number: that slot). */
  private touch(serviceId: string, touched: Touched | number = whole()): void {
    let known = this.dirty.get(serviceId);
    if (!known) this.dirty.set(serviceId, (known = { from: Infinity, slots: new Set() }));
    if (typeof touched !== 'number') widen(known, touched);
    else if (touched < known.from) known.slots.add(touched);
  }

  /** Notes a task's slot, or its whole service when slots do not matter or the service is gone. */
  private touchTask(task: Task, service: Service | undefined): void {
    const slot = service ? this.slotOf(task) : undefined;
    this.touch(task.serviceId, slot);
  }

  /**
   * Every owned service is visited whole in the first passes, which fills the slot index a
   * service at a time: a walk of every task here held a new leader's event loop for 0.2 s at
   * 100,000 tasks, long enough for the other managers to start an election.
   */
  private async start(tx: ReadTx): Promise<void> {
    const owned = tx.all('services').filter((s) => this.owns(s));
    for (const s of owned) this.touch(s.id);
    if (!this.owns(undefined)) return;
    // Tasks whose service is gone (removed while no leader ran this loop).
    for (const id of tx.taskServiceIds()) if (!tx.get('services', id)) this.touch(id);
    if (!this.slotted) return;
    // The slot index takes each service's tasks (as a view has them, a service a turn) a slice
    // a turn, so that the first passes read a window of slots, not every task.
    for (const s of owned) {
      await nextTurn();
      const tasks = this.store.view((view) => view.tasksByService(s.id));
      this.slots.fill(s.id, []);
      for (let i = 0; i < tasks.length; i += FILL_SLICE) {
        if (i > 0) await nextTurn();
        for (const t of tasks.slice(i, i + FILL_SLICE)) if (this.slotOf(t) !== undefined) this.slots.add(t);
      }
    }
  }

  /** Keeps the slot index: a task's service and slot never change. */
  private index(e: StoreEvent & { table: 'tasks' }): void {
    if (e.kind === 'update' || this.slotOf(e.object) === undefined) return;
    if (e.kind === 'create') this.slots.add(e.object);
    else this.slots.remove(e.object);
  }

  /**
   * The tasks of the service that a pass visits: those of the slots touched, from the slot
   * index when it holds all of the service's; else all of them (the index lags or has not
   * seen the service yet, the service was removed or is touched whole), from which the
   * index takes the service anew.
   */
  private tasksTouched(tx: ReadTx, id: string, service: Service | undefined, touched: Touched): Task[] {
    if (!service || !this.slotted || !this.slots.current(service, this.loop.lastSeen)) {
      const tasks = tx.tasksByService(id);
      if (service && this.slotted)
        this.slots.fill(
          id,
          tasks.filter((t) => this.slotOf(t) !== undefined),
        );
      return tasks;
    }
    if (touched.from !== Infinity) {
      touched.until = touched.from + SLOTS_PER_PASS;
      const last = Math.max(service.spec?.replicated?.replicas ?? 0, this.slots.lastSlot(id));
      if (last >= touched.until) this.leave(id, { from: touched.until, slots: new Set() });
    }
    return this.slots.tasks(tx, id, touched.from, touched.slots, touched.until);
  }

  private event(e: StoreEvent): boolean {
    switch (e.table) {
      case 'services':
        if (e.kind === 'delete') this.slots.forget(e.object.id);
        if (!this.owns(e.kind === 'delete' ? undefined : e.object)) return false;
        this.touch(e.object.id);
        return true;
      case 'tasks': {
        const task = e.object;
        this.index(e);
        if (e.kind === 'update' && e.old && !this.taskChanged(e.old, task)) return false;
        const service = this.store.view((tx) => tx.get('services', task.serviceId));
        if (!this.owns(service)) return false;
        this.touchTask(task, service);
        return true;
      }
      case 'nodes':
        return this.store.view((tx) => {
          const touched = this.nodeChanged(tx, e);
          for (const t of touched) {
            if (typeof t === 'string') this.touch(t);
            else this.touchTask(t, tx.get('services', t.serviceId));
          }
          return touched.length > 0;
        });
      default:
        return false;
    }
  }

  private async reconcile(): Promise<void> {
    const work = [...this.dirty];
    this.dirty.clear();
    if (work.length === 0) return;
    try {
      await this.store.update((written) => {
        // A retried write function starts over.
        const tx = (this.pass = new CountedTx(written));
        this.budget = NEW_TASKS_PER_PASS;
        this.unfilled.clear();
        this.created = [];
        const now = this.now();
        let read = 0;
        for (const [id, touched] of work) {
          const service = tx.get('services', id);
          if (!this.owns(service)) continue;
          if (this.passFull() || read >= TASKS_READ_PER_PASS) {
            this.leave(id, touched);
            continue;
          }
          const tasks = this.tasksTouched(tx, id, service, touched);
          read += tasks.length;
          this.reconcileService(tx, service, tasks, now, touched);
        }
      });
    } catch (err) {
      for (const [id, touched] of work) this.touch(id, touched);
      throw err;
    } finally {
      this.pass = undefined;
    }
    // Before their events come: the next pass may visit their slots first.
    this.store.view((tx) => {
      for (const t of this.created) {
        const stored = tx.get('tasks', t.id);
        if (stored && this.slotOf(stored) !== undefined) this.slots.add(stored);
      }
    });
    this.created = [];
    if (this.unfilled.size > 0) {
      for (const [id, rest] of this.unfilled) this.touch(id, rest);
      this.loop.poke();
    }
  }
}
