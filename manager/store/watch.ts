/** Fans store events out to watchers, each an async iterator with its own queue. */
import type { EventFilter, StoreEvent } from './types.js';

/** Events a watcher takes in one turn of the event loop before the next slice waits for the next turn. */
const SLICE = 256;

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
          let handed = 0;
          while (!signal.aborted && watchers.has(w)) {
            if (w.queue.length === 0) {
              await new Promise<void>((resolve) => (w.wake = resolve));
              w.wake = undefined;
              continue;
            }
            // The whole queue at once: shift() on a queue of thousands copies it every time.
            const batch = w.queue;
            w.queue = [];
            for (let i = 0; i < batch.length; i++) {
              if (signal.aborted || !watchers.has(w)) return;
              // A burst (a write of thousands of tasks) is handed on in slices, each its own
              // turn of the event loop, so that calls and heartbeats are answered between them.
              if (++handed % SLICE === 0) await new Promise((r) => setImmediate(r));
              yield batch[i]!;
            }
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
