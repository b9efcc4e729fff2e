/** Fans store events out to watchers, each an async iterator with its own queue. */
import type { EventFilter, StoreEvent } from './types.js';

interface Watcher {
  filter: EventFilter;
  queue: StoreEvent[];
  wake?: () => void;
}

export class EventHub {
  private readonly watchers = new Set<Watcher>();

  publish(events: StoreEvent[]): void {
    for (const w of this.watchers) {
      for (const e of events) {
        if (w.filter.tables && !w.filter.tables.includes(e.table)) continue;
        if (w.filter.kinds && !w.filter.kinds.includes(e.kind)) continue;
        w.queue.push(e);
      }
      if (w.queue.length > 0) w.wake?.();
    }
  }

  /** Registers now; the iterator ends when the signal aborts or the hub closes. */
  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent> {
    const w: Watcher = { filter, queue: [] };
    const watchers = this.watchers;
    if (!signal.aborted) watchers.add(w);
    const onAbort = () => {
      watchers.delete(w);
      w.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          while (!signal.aborted && watchers.has(w)) {
            const e = w.queue.shift();
            if (e) {
              yield e;
              continue;
            }
            await new Promise<void>((resolve) => (w.wake = resolve));
            w.wake = undefined;
          }
        } finally {
          signal.removeEventListener('abort', onAbort);
          watchers.delete(w);
        }
      },
    };
  }

  close(): void {
    for (const w of this.watchers) {
      this.watchers.delete(w);
      w.wake?.();
    }
  }
}
