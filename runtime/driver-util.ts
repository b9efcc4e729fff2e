/** What every runtime driver needs alike: signals and exit codes, label matching, grace periods. */
import { constants } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExitStatus } from './driver.js';

export function signalNumber(name: string): number {
  const n = (constants.signals as Record<string, number | undefined>)[name];
  if (n === undefined) throw new Error(`unknown signal ${name}`);
  return n;
}

export function signalName(n: number): NodeJS.Signals | undefined {
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
