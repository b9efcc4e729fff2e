/**
 * Work of concurrent callers done by one run: while a run goes on, callers' items queue up,
 * and the next run takes them all. Each caller gets the results of its own items, in order;
 * a run that fails as a whole is done again caller by caller.
 * For system tools that take many operations in one process (`ip -batch`, `umount A B ...`).
 */
interface Pending<T, R> {
  items: T[];
  resolve(results: R[]): void;
  reject(err: Error): void;
}

export class Batcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private running = false;

  /** `runBatch` returns one result per item, in the items' order. */
  constructor(private readonly runBatch: (items: T[]) => Promise<R[]>) {}

  run(items: T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const results = await this.runBatch(batch.flatMap((p) => p.items));
        let start = 0;
        for (const p of batch) {
          p.resolve(results.slice(start, start + p.items.length));
          start += p.items.length;
        }
      } catch (err) {
        if (batch.length === 1) batch[0]?.reject(err as Error);
        // Failed as a whole (e.g. ip exits at a bad argument): each caller's items alone, so
        // that only the caller of the bad one fails. The tools' operations here bear a rerun.
        else for (const p of batch) await this.runBatch(p.items).then(p.resolve, p.reject);
      }
    }
    this.running = false;
  }
}
