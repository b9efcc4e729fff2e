import type { Entry, Snapshot } from '../types.js';
import { raftPanic } from './errors.js';

/**
 * Entries and snapshot the core has accepted but the caller has not yet persisted.
 * entries[i] has index offset + i.
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];

  constructor(public offset: number) {}

  /** First index known here: only a pending snapshot tells it. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot?.metadata.index;
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      return this.snapshot?.metadata.index === i ? this.snapshot.metadata.term : undefined;
    }
    return this.entries[i - this.offset]?.term;
  }

  /** The caller persisted entries up to (i, t); forget them unless they were replaced since. */
  stableTo(i: number, t: number): void {
    if (this.maybeTerm(i) !== t || i < this.offset) return;
    this.entries = this.entries.slice(i + 1 - this.offset);
    this.offset = i + 1;
  }

  stableSnapTo(i: number): void {
    if (this.snapshot?.metadata.index === i) this.snapshot = undefined;
  }

  restore(snap: Snapshot): void {
    this.offset = snap.metadata.index + 1;
    this.entries = [];
    this.snapshot = snap;
  }

  truncateAndAppend(ents: readonly Entry[]): void {
    const from = ents[0]!.index;
    if (from === this.offset + this.entries.length) {
      this.entries = this.entries.concat(ents);
    } else if (from <= this.offset) {
      // Replaces everything unstable; the caller's append will truncate its stored suffix too.
      this.offset = from;
      this.entries = [...ents];
    } else {
      this.entries = this.entries.slice(0, from - this.offset).concat(ents);
    }
  }

  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    if (lo > hi || lo < this.offset || hi > upper) {
      throw raftPanic(`unsaved entries asked from ${lo} to ${hi}, held from ${this.offset} to ${upper}`);
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
