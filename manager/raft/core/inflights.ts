/**
 * The append messages in flight to one follower, bounded both by count and by payload bytes.
 * Each record is the last index a message carried and that message's payload size.
 */
export class Inflights {
  private items: { index: number; bytes: number }[] = [];
  private bytes = 0;

  /** maxBytes of 0 means no byte limit. */
  constructor(
    readonly maxCount: number,
    readonly maxBytes: number,
  ) {}

  add(index: number, bytes: number): void {
    this.items.push({ index, bytes });
    this.bytes += bytes;
  }

  /** Frees every message whose last index is at most `index` (acknowledged). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.items.length && this.items[n]!.index <= index) {
      this.bytes -= this.items[n]!.bytes;
      n++;
    }
    if (n > 0) this.items = this.items.slice(n);
  }

  /** Frees the oldest message: lets a stalled window send again when acks were lost. */
  freeFirstOne(): void {
    const first = this.items.shift();
    if (first) this.bytes -= first.bytes;
  }

  full(): boolean {
    return this.items.length >= this.maxCount || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.items.length;
  }

  reset(): void {
    this.items = [];
    this.bytes = 0;
  }
}
