/**
 * Rebuilds the log from WAL records, in the order they were written, on top of the
 * snapshot being recovered from (the base). Only entries after the base are kept.
 *
 * The one subtle rule: entries that follow an entry at index i are only meaningful if the
 * entry at i agrees with the snapshot there. A snapshot received from the leader replaces
 * a diverged log, so when a snapshot marker (or, at the end, the base snapshot itself, in
 * case the crash came between the snapshot file and its marker) disagrees with the term
 * of the entry this log holds at the same index, the entries after that index are dropped.
 */
import type { Entry, HardState } from '../types.js';
import type { SnapshotMarker } from './wal-format.js';
import { FlotillaError } from '../../../lib/errors.js';

export interface ReplayedLog {
  hardState: HardState;
  /** The last marker at or below the base snapshot's index, if still in the log. */
  snapshotMarker?: SnapshotMarker;
  /** Entries after the base snapshot's index, contiguous. */
  entries: Entry[];
  /** Index of the last entry (the base index when there are none). */
  lastIndex: number;
}

export class LogReplay {
  private readonly base: number;
  private readonly entries: Entry[] = [];
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private marker: SnapshotMarker | undefined;
  /** Term of the entry at the base index, while this log holds one. */
  private termAtBase: number | undefined;

  /** `base`: the snapshot recovered from; undefined when recovering without one. */
  constructor(private readonly baseSnapshot: SnapshotMarker | undefined) {
    this.base = baseSnapshot?.index ?? 0;
  }

  /** Applies an entry record. `where` names its file and offset for error messages. */
  entry(e: Entry, where: string): void {
    if (e.index <= this.base) {
      this.entries.length = 0;
      this.termAtBase = e.index === this.base ? e.term : undefined;
      return;
    }
    const slot = e.index - this.base - 1;
    if (slot > this.entries.length) {
      throw new FlotillaError(
        'CORRUPT',
        `WAL entry ${e.index} at ${where} follows index ${this.base + this.entries.length}: entries are missing. ` +
          'The snapshot covering them is probably missing or corrupt; restore the data directory from a backup ' +
          'or remove this manager and re-add it so it receives a fresh snapshot',
      );
    }
    this.entries.length = slot;
    this.entries.push(e);
  }

  hardStateRecord(hs: HardState): void {
    this.hardState = hs;
  }

  snapshotMarker(m: SnapshotMarker, where: string): void {
    if (m.index <= this.base) this.marker = m;
    if (m.index < this.base) return;
    if (m.index === this.base) {
      if (this.termAtBase !== undefined && this.termAtBase !== m.term) this.entries.length = 0;
      this.termAtBase = m.term;
      return;
    }
    // A marker above the base is a snapshot whose file was not recoverable. Falling back to
    // an older one is fine while the log still holds the entries that snapshot covered.
    const held = this.entries[m.index - this.base - 1];
    if (held?.term !== m.term) {
      throw new FlotillaError(
        'CORRUPT',
        `WAL at ${where} records the snapshot at index ${m.index} term ${m.term}, but its snapshot file is ` +
          `missing or corrupt and the log does not hold the entries it covered (recovering from index ${this.base}). ` +
          'Restore the snap/ directory from a backup or remove this manager and re-add it',
      );
    }
  }

  /** The recovered log; `note` is told about entries dropped for disagreeing with the base. */
  finish(note: (message: string) => void): ReplayedLog {
    const snap = this.baseSnapshot;
    if (snap && this.termAtBase !== undefined && this.termAtBase !== snap.term && this.entries.length > 0) {
      note(
        `dropped ${this.entries.length} WAL entries after index ${snap.index}: the log held term ` +
          `${this.termAtBase} there but the snapshot has term ${snap.term}`,
      );
      this.entries.length = 0;
    }
    const replayed: ReplayedLog = {
      hardState: this.hardState,
      entries: this.entries,
      lastIndex: this.base + this.entries.length,
    };
    if (this.marker) replayed.snapshotMarker = this.marker;
    return replayed;
  }
}
