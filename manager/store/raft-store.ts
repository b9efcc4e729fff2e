/**
 * The replicated store: every write is a changeset in the Raft log, checked and applied by
 * every manager in log order, so all of them hold the same state. Writes are taken by the
 * leader; reads are local (readBarrier() makes one linearizable).
 */
import { hexHead } from '../../lib/bytes.js';
import { silentLogger, type Logger } from '../../lib/log.js';
import { storeMetrics } from '../../lib/node-metrics.js';
import { RaftNode, type RaftNodeOptions, type StateMachine } from '../raft/node/index.js';
import type { Entry } from '../raft/types.js';
import { StoreState } from './state.js';
import { encodeSnapshotRuns, restoreSnapshot } from './snapshot-codec.js';
import { diffEvents } from './state-diff.js';
import { Transaction } from './transaction.js';
import type { EventFilter, ReadTx, Store, StoreEvent, StoreSnapshotData, WriteTx } from './types.js';
import { TABLES } from './types.js';
import { EventHub } from './watch.js';
import { decodeWrite, encodeWrite, type Write } from './write-codec.js';

/** Writes that failed their checks when applied, kept until their proposer looks (bounded). */
const FAILURES_KEPT = 1024;

class ReplicatedState implements StateMachine {
  /** Replaced whole when a snapshot is installed. */
  state = new StoreState();
  readonly hub = new EventHub();
  readonly failures = new Map<number, Error>();

  constructor(private readonly log: Logger) {}

  apply(entry: Entry): void {
    const write = this.decode(entry);
    if (!write) return;
    try {
      this.hub.publish(this.state.apply(write.changes, entry.index, write.nowMs));
    } catch (err) {
      // The same check fails on every manager, so the state stays the same everywhere.
      this.fail(entry.index, err as Error);
    }
  }

  /**
   * The entry's write, or undefined when it holds none: every manager then skips it alike
   * and goes on, where a throw would stop the manager at every restart.
   */
  private decode(entry: Entry): Write | undefined {
    try {
      return decodeWrite(entry.data);
    } catch (err) {
      this.log.error(
        { index: entry.index, bytes: entry.data.byteLength, head: hexHead(entry.data), err },
        'store: skipped a log entry that holds no readable write',
      );
      this.fail(entry.index, err as Error);
      return undefined;
    }
  }

  /** Keeps a write's failure for its proposer, if it has one here. */
  private fail(index: number, err: Error): void {
    this.failures.set(index, err);
    if (this.failures.size > FAILURES_KEPT) this.failures.delete(this.failures.keys().next().value!);
  }

  snapshot(): Promise<Uint8Array[]> {
    // The state's objects are frozen, so the arrays taken now stay as they are while the
    // encoding takes its time.
    return encodeSnapshotRuns(this.state.snapshot());
  }

  /**
   * Decodes the snapshot and builds the state from it a slice at a time, then swaps it in
   * whole: reads meanwhile see the state as it was. The Raft node applies nothing else
   * until this resolves.
   */
  async restore(data: Uint8Array): Promise<void> {
    const next = await restoreSnapshot(data);
    const before = this.state.snapshot();
    this.state = next;
    this.hub.publish(diffEvents(before, next));
  }
}

export class RaftStore implements Store {
  private constructor(
    private readonly machine: ReplicatedState,
    /** The Raft member under the store, for membership and leadership. */
    readonly raft: RaftNode,
    /** Takes the store back from the metrics' sources. */
    private readonly unlend: () => void,
  ) {}

  static async open(options: Omit<RaftNodeOptions, 'stateMachine'>): Promise<RaftStore> {
    const machine = new ReplicatedState((options.logger ?? silentLogger()).child({ room: 'store' }));
    const raft = await RaftNode.start({ ...options, stateMachine: machine });
    const unlend = storeMetrics.sources.lend({
      objects: () => TABLES.map((t) => [t, machine.state.count(t)]),
      dir: options.dir,
    });
    return new RaftStore(machine, raft, unlend);
  }

  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.machine.state);
  }

  /**
   * Checks the write against this manager's state, then replicates it. Resolves once a
   * quorum has it and it is applied here; fails with NOT_LEADER on a follower, and with
   * CONFLICT when a write committed just before changed what this one read.
   */
  async update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    const state = this.machine.state;
    const tx = new Transaction(state);
    const result = fn(tx);
    const changes = tx.changes();
    if (changes.length === 0) return result;
    state.validate(changes);
    const index = await this.raft.propose(encodeWrite(changes, Date.now()));
    const failure = this.machine.failures.get(index);
    if (failure) {
      this.machine.failures.delete(index);
      throw failure;
    }
    return result;
  }

  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.machine.hub.watch(filter, signal);
  }

  snapshot(): StoreSnapshotData {
    return this.machine.state.snapshot();
  }

  /** Waits until this manager has applied everything committed before the call. */
  async readBarrier(): Promise<void> {
    await this.raft.readBarrier();
  }

  async close(): Promise<void> {
    this.unlend();
    await this.raft.close();
    this.machine.hub.close();
  }
}
