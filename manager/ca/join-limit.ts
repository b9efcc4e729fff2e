/**
 * How often one source address may call Join: a token bucket per address, so that a host
 * guessing join tokens (or a node failing to join in a tight loop) is slowed down while
 * other nodes join as usual.
 */
import { FlotillaError } from '../../lib/errors.js';

export interface JoinLimits {
  /** Joins an address may make at once. */
  burst: number;
  /** Then one more every this many milliseconds. */
  refillMs: number;
  /** Addresses remembered at most; beyond that, the one unseen the longest is forgotten. */
  maxAddresses: number;
}

export const DEFAULT_JOIN_LIMITS: JoinLimits = { burst: 10, refillMs: 3_000, maxAddresses: 10_000 };

interface Bucket {
  tokens: number;
  /** When `tokens` was counted. */
  at: number;
}

export class JoinRateLimit {
  /** Oldest first: every check moves its address to the end (a Map keeps insertion order). */
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: JoinLimits;

  constructor(
    private readonly now: () => number,
    limits: Partial<JoinLimits> = {},
  ) {
    this.limits = { ...DEFAULT_JOIN_LIMITS, ...limits };
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Counts a join from `address` (the caller's host, without its port: each connection has a
   * port of its own), or throws RESOURCE_EXHAUSTED if it has had its share.
   */
  check(address: string): void {
    const now = this.now();
    const bucket = this.refilled(address, now);
    this.buckets.delete(address);
    this.buckets.set(address, bucket);
    this.forget(now);
    if (bucket.tokens < 1) throw this.refusal(address, bucket);
    bucket.tokens -= 1;
  }

  private refilled(address: string, now: number): Bucket {
    const { burst, refillMs } = this.limits;
    const last = this.buckets.get(address);
    if (!last) return { tokens: burst, at: now };
    // A clock that went back adds nothing.
    const earned = Math.max(0, now - last.at) / refillMs;
    return { tokens: Math.min(burst, last.tokens + earned), at: now };
  }

  /**
   * Drops, oldest first, the buckets that have had time to fill up again (as good as none), and
   * those beyond `maxAddresses`.
   */
  private forget(now: number): void {
    const { burst, refillMs, maxAddresses } = this.limits;
    for (const [address, bucket] of this.buckets) {
      if (this.buckets.size <= maxAddresses && now - bucket.at < burst * refillMs) break;
      this.buckets.delete(address);
    }
  }

  private refusal(address: string, bucket: Bucket): FlotillaError {
    const { burst, refillMs } = this.limits;
    // Rounded to the millisecond first, or float error turns 1000 ms into 2 s.
    const waitS = Math.ceil(Math.round((1 - bucket.tokens) * refillMs) / 1000);
    return new FlotillaError(
      'RESOURCE_EXHAUSTED',
      `too many join attempts from ${address}: at most ${burst} at once, then 1 every ${refillMs / 1000} s; try again in ${waitS} s`,
    );
  }
}
