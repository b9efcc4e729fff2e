/**
 * The single-manager store: state in memory, made durable by writing the whole state to
 * one file after each batch of commits (writes that arrive during a flush share the next
 * one). An update resolves only after the flush that covers it.
 */
import { StoreState } from './state.js';
import { Transaction } from './transaction.js';
import { EventHub } from './watch.js';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.js';
import type { EventFilter, ReadTx, Store, StoreEvent, StoreSnapshotData, WriteTx } from './types.js';

export class MemoryStore implements Store {
  private readonly state = new StoreState();
  private readonly hub = new EventHub();
  private flushing: Promise<void> | undefined;
  private flushedIndex = 0;
  private waiters: { index: number; resolve: () => void; reject: (err: unknown) => void }[] = [];

  /** `path`: where the state is kept; without one the store lives in memory only. */
  private constructor(private readonly path: string | undefined) {}

  static async open(path?: string): Promise<MemoryStore> {
    const store = new MemoryStore(path);
    const snap = path ? await readSnapshotFile(path) : undefined;
    if (snap) store.state.restore(snap);
    store.flushedIndex = store.state.index;
    return store;
  }

  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.state);
  }

  async update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    const tx = new Transaction(this.state);
    const result = fn(tx);
    const changes = tx.changes();
    if (changes.length === 0) return result;
    const events = this.state.apply(changes, this.state.index + 1, Date.now());
    this.hub.publish(events);
    await this.durable(this.state.index);
    return result;
  }

  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.hub.watch(filter, signal);
  }

  snapshot(): StoreSnapshotData {
    return this.state.snapshot();
  }

  async close(): Promise<void> {
    await this.flushing;
    this.hub.close();
  }

  private durable(index: number): Promise<void> {
    if (!this.path) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ index, resolve, reject }));
    this.flush();
    return done;
  }

  private flush(): void {
    if (this.flushing || !this.path) return;
    this.flushing = this.flushLoop(this.path);
  }

  private async flushLoop(path: string): Promise<void> {
    while (this.flushedIndex < this.state.index) {
      const snap = this.state.snapshot();
      try {
        await writeSnapshotFile(path, snap);
      } catch (err) {
        for (const w of this.waiters.splice(0)) w.reject(err);
        break;
      }
      this.flushedIndex = snap.index;
      // Waiters are queued in index order.
      while (this.waiters[0] && this.waiters[0].index <= snap.index) this.waiters.shift()?.resolve();
    }
    // Cleared in the same turn as the last check, so no commit can slip between them.
    this.flushing = undefined;
  }
}
