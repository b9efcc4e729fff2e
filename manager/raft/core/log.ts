import type { Entry, Snapshot } from '../types.js';
import { limitSize } from './entries.js';
import { CompactedError, raftPanic, UnavailableError } from './errors.js';
import type { Storage } from './storage.js';
import { Unstable } from './unstable.js';

/** The log as the core sees it: persisted entries from Storage followed by unstable ones. */
export class RaftLog {
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index the application has applied. */
  applied: number;

  constructor(readonly storage: Storage) {
    this.unstable = new Unstable(storage.lastIndex() + 1);
    // Everything up to the snapshot is committed and applied by definition.
    this.committed = storage.firstIndex() - 1;
    this.applied = this.committed;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term of entry i, or undefined when i is compacted or beyond the last index. */
  term(i: number): number | undefined {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return undefined;
      throw err;
    }
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw raftPanic(`the last entry ${this.lastIndex()} has no known term`);
    return t;
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Appends the leader's entries after (index, logTerm) if our log matches there. Returns the
   * index of the last new entry, or undefined on mismatch.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw raftPanic(
          `a leader would overwrite entry ${conflict}, which is committed (commit ${this.committed})`,
        );
      }
      this.append(ents.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed)
      throw raftPanic(`entries given after ${after} would replace committed ones (commit ${this.committed})`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** First index among ents whose term differs from ours (or that we lack); 0 if none. */
  private findConflict(ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Walks back from index to the last entry whose term is at most `term`: the best guess of
   * where a log whose entry at `index` has `term` could match ours. Returns that index and its
   * term (0 when unknown).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (; index > 0; index--) {
      const ourTerm = this.term(index);
      if (ourTerm === undefined) return { index, term: 0 };
      if (ourTerm <= term) return { index, term: ourTerm };
    }
    return { index: 0, term: 0 };
  }

  commitTo(toCommit: number): void {
    if (toCommit <= this.committed) return;
    if (toCommit > this.lastIndex()) {
      throw raftPanic(`commit moved to ${toCommit}, past the last entry ${this.lastIndex()}`);
    }
    this.committed = toCommit;
  }

  /** Commits maxIndex if it is beyond the commit index and from the given (current) term. */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (i > this.committed || i < this.applied) {
      throw raftPanic(
        `applied moved to ${i}; it must stay between ${this.applied} and the commit ${this.committed}`,
      );
    }
    this.applied = i;
  }

  /** Entries from lo to the end, at most maxBytes. Throws CompactedError if lo is compacted. */
  entriesFrom(lo: number, maxBytes: number): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }

  /** Committed entries not yet applied, starting after any pending snapshot. */
  nextCommittedEntries(maxBytes: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= lo) return [];
    return this.slice(lo, this.committed + 1, maxBytes);
  }

  hasNextCommittedEntries(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  restore(snap: Snapshot): void {
    this.committed = snap.metadata.index;
    this.unstable.restore(snap);
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** All entries in [lo, hi), storage first then unstable, at most maxBytes (at least one). */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo < this.firstIndex()) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1 || lo > hi) {
      throw raftPanic(
        `entries asked from ${lo} to ${hi}, the log holds ${this.firstIndex()} to ${this.lastIndex()}`,
      );
    }
    if (lo === hi) return [];
    const offset = this.unstable.offset;
    let ents: Entry[] = [];
    if (lo < offset) {
      const storedHi = Math.min(hi, offset);
      ents = this.storage.entries(lo, storedHi, maxBytes);
      // Storage stopped early because of the size limit: nothing from unstable fits.
      if (ents.length < storedHi - lo) return ents;
    }
    if (hi > offset) {
      ents = ents.concat(this.unstable.slice(Math.max(lo, offset), hi));
    }
    return limitSize(ents, maxBytes);
  }
}
