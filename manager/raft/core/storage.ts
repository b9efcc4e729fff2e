import type { ConfState, Entry, HardState, Snapshot } from '../types.js';
import { EntryType, NONE } from '../types.js';
import { limitSize } from './entries.js';
import { CompactedError, raftPanic, SnapshotOutOfDateError, UnavailableError } from './errors.js';

/**
 * What the core reads of the durable log. Every method reflects only what the caller has
 * already persisted: the core keeps anything newer in its own unstable log.
 */
export interface Storage {
  /** The persisted hard state and the membership of the latest snapshot. */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi), at most maxBytes of payload but at least one entry.
   * Throws CompactedError when lo is at or below the snapshot index.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i; i may be the snapshot index. Throws CompactedError / UnavailableError. */
  term(i: number): number;
  /** Index of the first entry still in the log (the snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: new Uint8Array() };
}

/** Placeholder entry standing for the snapshot at the front of the log. */
function anchor(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array() };
}

/**
 * An in-memory Storage. A node rebuilds it from its WAL at start and, on every Ready, appends
 * to it what it has just persisted.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = emptySnapshot();
  /** ents[0] is an anchor at the snapshot index; real entries follow. */
  private ents: Entry[] = [anchor(0, 0)];

  /**
   * Storage for a brand-new cluster: an initial snapshot at index 1, term 1 holding the
   * membership, so that nodes added later learn it from a snapshot rather than a log that
   * starts without it.
   */
  static bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array()): MemoryStorage {
    const s = new MemoryStorage();
    s.applySnapshot({ metadata: { index: 1, term: 1, confState }, data });
    s.setHardState({ term: 1, vote: NONE, commit: 1 });
    return s;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: copyConfState(this.snap.metadata.confState) };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1)
      throw raftPanic(`stored entries asked up to ${hi}, the last is ${this.lastIndex()}`);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new CompactedError(i);
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError(i);
    return e.term;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log by a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    const current = this.snap.metadata.index;
    if (snap.metadata.index <= current) throw new SnapshotOutOfDateError(snap.metadata.index, current);
    this.snap = snap;
    this.ents = [anchor(snap.metadata.index, snap.metadata.term)];
  }

  /**
   * Records a snapshot of the state machine at applied index i (does not drop entries: see
   * compact). confState is the membership as of i.
   */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    const current = this.snap.metadata.index;
    if (i <= current) throw new SnapshotOutOfDateError(i, current);
    if (i > this.lastIndex())
      throw raftPanic(`snapshot asked at ${i}, past the last stored entry ${this.lastIndex()}`);
    this.snap = {
      metadata: { index: i, term: this.term(i), confState: copyConfState(confState) },
      data,
    };
    return this.snap;
  }

  /** Drops entries up to and including compactIndex, which must already be covered by a snapshot. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) {
      throw raftPanic(
        `compaction asked up to ${compactIndex}, past the last stored entry ${this.lastIndex()}`,
      );
    }
    const rest = this.ents.slice(compactIndex - offset + 1);
    this.ents = [anchor(compactIndex, this.term(compactIndex)), ...rest];
  }

  /** Appends entries, replacing any existing suffix they conflict with. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    // Entries already covered by the snapshot are dropped.
    const fresh = first > entries[0]!.index ? entries.slice(first - entries[0]!.index) : entries;
    const at = fresh[0]!.index - this.ents[0]!.index;
    if (at > this.ents.length) {
      throw raftPanic(
        `a gap in the log: the last stored entry is ${this.lastIndex()}, the next given is ${fresh[0]!.index}`,
      );
    }
    // In place: a copy of the whole log at every append would cost in proportion to the
    // entries kept. Nothing outside holds this array (reads return slices of it).
    this.ents.length = at;
    for (const e of fresh) this.ents.push(e);
  }
}

function copyConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters], learners: [...cs.learners] };
}
