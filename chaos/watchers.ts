/**
 * Watchers for the chaos run: one per manager, watching the services in turn (WatchService,
 * served from that manager's own copy after a read barrier). A service's version is the index
 * of the write that made it, so what one watcher sees of a name must never go back, within a
 * stream or from one stream to the next, whatever the manager went through in between.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import type { ServiceState } from '../proto/gen/flotilla/ServiceState.js';

/** How long a watcher follows one service before it moves on to the next. */
const WATCH_MS = 3_000;

export interface WatchReport {
  /** States received. */
  states: number;
  violations: string[];
}

export async function runWatcher(
  host: string,
  control: ControlClient,
  names: readonly string[],
  signal: AbortSignal,
): Promise<WatchReport> {
  const report: WatchReport = { states: 0, violations: [] };
  const highest = new Map<string, number>();
  for (let i = 0; !signal.aborted; i++) {
    const name = names[i % names.length]!;
    const stream = control.WatchService({ service: name });
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (state: ServiceState) => {
        const version = state.service?.meta?.version;
        if (version === undefined) return;
        report.states++;
        const before = highest.get(name) ?? 0;
        if (version < before)
          report.violations.push(
            `a watch of ${name} on ${host} went back from version ${before} to ${version}`,
          );
        highest.set(name, Math.max(before, version));
      });
      // Ends, errors (no such service, no quorum, a restart) and cancels all just end the watch.
      stream.on('error', () => resolve());
      stream.on('end', () => resolve());
    });
    // The wait ends with the watch, and takes its listener off `signal` with it.
    const waited = new AbortController();
    const stop = () => waited.abort();
    signal.addEventListener('abort', stop, { once: true });
    await Promise.race([ended, delay(WATCH_MS, undefined, { signal: waited.signal }).catch(() => undefined)]);
    signal.removeEventListener('abort', stop);
    waited.abort();
    stream.cancel();
    await ended;
    if (signal.aborted) break;
    // A watch that ended at once (no such service yet, no quorum) waits a little before the next.
    await delay(100);
  }
  return report;
}
