/**
 * The store in memory only: one process, nothing durable. The control loops' unit tests
 * run on it; the backends a cluster runs on are the Raft store and the etcd store.
 */
import { StoreState } from './state.js';
import { Transaction } from './transaction.js';
import { EventHub } from './watch.js';
import type { EventFilter, ReadTx, Store, StoreEvent, StoreSnapshotData, WriteTx } from './types.js';

export class MemoryStore implements Store {
  private readonly state = new StoreState();
  private readonly hub = new EventHub();

  static async open(): Promise<MemoryStore> {
    return new MemoryStore();
  }

  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.state);
  }

  async update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    const tx = new Transaction(this.state);
    const result = fn(tx);
    const changes = tx.changes();
    if (changes.length === 0) return result;
    this.hub.publish(this.state.apply(changes, this.state.index + 1, Date.now()));
    return result;
  }

  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.hub.watch(filter, signal);
  }

  snapshot(): StoreSnapshotData {
    return this.state.snapshot();
  }

  /** Every write is in view once it resolves. */
  async readBarrier(): Promise<void> {}

  async close(): Promise<void> {
    this.hub.close();
  }
}
