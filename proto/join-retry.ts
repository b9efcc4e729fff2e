/**
 * A join made again while the managers cannot take it yet. Safe to repeat: a node's id comes
 * from the key it asks to have certified, so a join whose answer was lost finds the node it made.
 */
import { FlotillaError, type ErrorCode } from '../lib/errors.js';

/** Refusals a moment may end: an election under the join, a manager restarting, the join limit. */
const PASSING: readonly ErrorCode[] = [
  'NOT_LEADER',
  'NO_QUORUM',
  'UNAVAILABLE',
  'TIMEOUT',
  'RESOURCE_EXHAUSTED',
];

export interface JoinRetry {
  /** How long to go on making the join again, from the first attempt. */
  forMs: number;
  /** Told of each refusal that is retried, and how long until the next attempt. */
  onRetry?: (err: Error, waitMs: number) => void;
}

export async function retryJoin<T>(join: () => Promise<T>, o: JoinRetry): Promise<T> {
  const until = Date.now() + o.forMs;
  for (;;) {
    try {
      return await join();
    } catch (err) {
      if (!(err instanceof FlotillaError) || !PASSING.includes(err.code)) throw err;
      // The join limit says when the address may try again.
      const limitS = /try again in (\d+) s/.exec(err.message)?.[1];
      const waitMs = limitS ? Number(limitS) * 1000 : 1000;
      if (Date.now() + waitMs > until) throw err;
      o.onRetry?.(err, waitMs);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
