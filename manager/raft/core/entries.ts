import type { Entry } from '../types.js';

/** Bytes an entry counts for in message batching and flow control: its payload. */
export function entrySize(e: Entry): number {
  return e.data.byteLength;
}

export function entriesSize(ents: readonly Entry[]): number {
  let total = 0;
  for (const e of ents) total += entrySize(e);
  return total;
}

/**
 * The longest prefix of `ents` whose total size stays within `maxBytes`, but never empty when
 * `ents` is not: a single oversized entry must still make progress.
 */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  while (n < ents.length) {
    size += entrySize(ents[n]!);
    if (size > maxBytes) break;
    n++;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
