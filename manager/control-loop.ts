/**
 * The one shape of every control loop on a manager: read the state with `view`, watch for
 * changes, note what they touch, and reconcile in batches (one store update for many
 * objects), until the signal aborts. A failed pass is logged and retried.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../lib/log.js';
import { describeError } from '../lib/errors.js';
import type { EventFilter, ReadTx, Store, StoreEvent } from './store/types.js';

export interface LoopHandlers {
  /**
   * Called once with the state at the start, in the same turn as the watch begins. It may go
   * on in later turns (a long walk, in slices): the events are handed on once it is done.
   * What it reads later comes from a later view, ahead of those events, so it must take it
   * in a way that the same events applied after it change nothing (keyed by id, as the
   * orchestrator's slot index and the scheduler's usage are), or read it all from `tx` now.
   */
  start(tx: ReadTx): void | Promise<void>;
  /** Notes an event; return true when a reconcile pass is needed. */
  event(e: StoreEvent): boolean;
  /** Reconciles what was noted. */
  reconcile(): Promise<void>;
}

export class ControlLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Store index of the last change the loop took in (or of the state it started from). */
  private seen = 0;
  private settledWaiters: { index: number; resolve: () => void }[] = [];

  constructor(
    private readonly name: string,
    private readonly store: Store,
    private readonly filter: EventFilter,
    private readonly handlers: LoopHandlers,
    private readonly log: Logger,
    private readonly batchMs = 10,
  ) {}

  /** Store index of the last change the loop took in: every change before it was taken in. */
  get lastSeen(): number {
    return this.seen;
  }

  async run(signal: AbortSignal): Promise<void> {
    // Each loop starts in a turn of its own: a new leader starts them all at once, and their
    // starts together held the event loop long enough for another election.
    await nextTurn();
    if (signal.aborted) return;
    const started = this.store.view((tx) => {
      this.seen = tx.index;
      return this.handlers.start(tx);
    });
    const events = this.store.watch(this.filter, signal);
    await started;
    this.poke();
    try {
      for await (const e of events) {
        this.seen = e.index;
        if (this.handlers.event(e)) this.poke();
        else this.checkSettled();
      }
    } finally {
      this.stopped = true;
      clearTimeout(this.timer);
      await this.running;
    }
  }

  /**
   * Resolves once the loop has taken in the changes up to store index `index` (of the
   * tables it watches) and no pass is due or running: whatever it was going to do about
   * them is done. The witness for tests that check that a loop leaves something alone.
   */
  settled(index: number): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push({ index, resolve });
      this.checkSettled();
    });
  }

  /** Asks for a reconcile pass soon (several pokes share one pass). */
  poke(delayMs = this.batchMs): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass();
    }, delayMs);
  }

  private async pass(): Promise<void> {
    let retryMs = 0;
    try {
      await this.handlers.reconcile();
    } catch (err) {
      this.log.warn({ loop: this.name, err: describeError(err) }, 'reconcile pass failed; retrying');
      retryMs = 200;
    }
    this.running = undefined;
    if (this.again || retryMs) {
      this.again = false;
      this.poke(Math.max(retryMs, this.batchMs));
    }
    this.checkSettled();
  }

  private checkSettled(): void {
    if (this.running || this.timer) return;
    this.settledWaiters = this.settledWaiters.filter((w) => {
      if (w.index > this.seen) return true;
      w.resolve();
      return false;
    });
  }
}
