/** What every runtime driver needs alike: signals and exit codes, label matching, grace periods, exec timeouts. */
import { constants } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { FlotillaError, isFlotillaError } from '../lib/errors.js';
import type { ExitStatus } from './driver.js';

export function signalNumber(name: string): number {
  const n = (constants.signals as Record<string, number | undefined>)[name];
  if (n === undefined) throw new Error(`unknown signal ${name}`);
  return n;
}

function signalName(n: number): NodeJS.Signals | undefined {
  const entry = Object.entries(constants.signals).find(([, v]) => v === n);
  return entry?.[0] as NodeJS.Signals | undefined;
}

/** As shells report it, 128 + n means "died of signal n". */
export function exitStatusOf(exitCode: number, finishedAt: number): ExitStatus {
  const signal = exitCode > 128 ? signalName(exitCode - 128) : undefined;
  return { exitCode, finishedAt, ...(signal && { signal }) };
}

export function hasLabels(have: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** True if `work` settles within `ms`. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      delay(ms, false, { signal: timer.signal }).catch(() => false),
    ]);
  } finally {
    timer.abort();
  }
}

/** An image a node lacks and could not pull: what went wrong, and what to do instead. */
export function pullFailed(ref: string, err: unknown): FlotillaError {
  return new FlotillaError(
    isFlotillaError(err) ? err.code : 'UNAVAILABLE',
    `image ${ref} is not on this node and could not be pulled (${(err as Error).message}); ` +
      'load it with "cluster image load FILE.tar" or check the registry',
    { cause: err },
  );
}

/** What `work` gives, or undefined when its container was removed meanwhile (NOT_FOUND). */
export function unlessRemoved<T>(work: Promise<T>): Promise<T | undefined> {
  return work.catch((err: unknown) => {
    if (isFlotillaError(err, 'NOT_FOUND')) return undefined;
    throw err;
  });
}

/**
 * An exec's timeout: `kill` runs (its failure ignored) if `work`, the wait for the command,
 * has not settled after `timeoutMs`; without a timeout, never. Says whether it ran.
 */
export async function killedAfter<T>(
  timeoutMs: number | undefined,
  kill: () => Promise<unknown>,
  work: Promise<T>,
): Promise<{ value: T; timedOut: boolean }> {
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          kill().catch(() => undefined);
        }, timeoutMs);
  const value = await work.finally(() => clearTimeout(timer));
  return { value, timedOut };
}

/**
 * The work in flight for `id` in `pending`, or `work` started now: callers that come meanwhile
 * share one run (one start, one wait per container); it is forgotten once it settles.
 */
export function singleFlight<T>(
  pending: Map<string, Promise<T>>,
  id: string,
  work: () => Promise<T>,
): Promise<T> {
  let running = pending.get(id);
  if (!running) {
    running = work().finally(() => pending.delete(id));
    pending.set(id, running);
  }
  return running;
}
