/**
 * A set of ids kept in order, for listings that page: "the ids after X" costs a binary search,
 * and each id it yields one step. The ids sit in sorted chunks of at most MAX_CHUNK, so an
 * insert or a delete moves at most a chunk's worth of entries (one sorted array of a million
 * ids would move half a million on each), and iteration needs no copy and no sort.
 */
const MAX_CHUNK = 512;
/** A chunk smaller than this after a delete is merged with its successor when both fit in one. */
const MIN_CHUNK = MAX_CHUNK / 4;

export class SortedIds implements Iterable<string> {
  private chunks: string[][] = [];
  private count = 0;

  /** Builds the set from ids in any order, sorting them once (a store's restore). */
  static from(ids: Iterable<string>): SortedIds {
    const set = new SortedIds();
    const sorted = [...new Set(ids)].sort(compareIds);
    for (let i = 0; i < sorted.length; i += MAX_CHUNK / 2)
      set.chunks.push(sorted.slice(i, i + MAX_CHUNK / 2));
    set.count = sorted.length;
    return set;
  }

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    const chunk = this.chunks[this.chunkFor(id)];
    return chunk !== undefined && chunk[lowerBound(chunk, id)] === id;
  }

  add(id: string): void {
    const c = this.chunkFor(id);
    const chunk = this.chunks[c];
    if (!chunk) {
      this.chunks.push([id]);
      this.count++;
      return;
    }
    const i = lowerBound(chunk, id);
    if (chunk[i] === id) return;
    chunk.splice(i, 0, id);
    this.count++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  delete(id: string): boolean {
    const c = this.chunkFor(id);
    const chunk = this.chunks[c];
    if (!chunk) return false;
    const i = lowerBound(chunk, id);
    if (chunk[i] !== id) return false;
    chunk.splice(i, 1);
    this.count--;
    const next = this.chunks[c + 1];
    if (chunk.length === 0) this.chunks.splice(c, 1);
    else if (chunk.length < MIN_CHUNK && next && chunk.length + next.length <= MAX_CHUNK) {
      chunk.push(...next);
      this.chunks.splice(c + 1, 1);
    }
    return true;
  }

  /**
   * The ids after `after` ('': all of them), in order. Lazy: read it before the set changes
   * (within one store view).
   */
  *after(after = ''): IterableIterator<string> {
    let c = this.chunkFor(after);
    const first = this.chunks[c];
    let i = first ? upperBound(first, after) : 0;
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.after();
  }

  /** The last chunk whose first id is at most `id` (the first chunk when none is). */
  private chunkFor(id: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]![0]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Ids compare by code unit, the order every listing pages in. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first position whose id is not below `id`. */
function lowerBound(chunk: string[], id: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position whose id is above `id`. */
function upperBound(chunk: string[], id: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
