/**
 * The etcd client as the store and the election use it, and what its failures mean to a user.
 */
import { isBrokenCircuitError, noop } from 'cockatiel';
import { Etcd3, GRPCUnavailableError } from 'etcd3';
import { describeError, FlotillaError, invalidArgument } from '../../../lib/errors.js';

export interface EtcdClientOptions {
  /** Client URLs of the etcd members, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** How long to wait for a connection to a member (default 5 s). */
  dialTimeoutMs?: number;
  /** Deadline of every single request (default 5 s); watches and keepalive streams have none. */
  requestTimeoutMs?: number;
}

export function connect(opts: EtcdClientOptions): Etcd3 {
  if (opts.endpoints.length === 0) {
    throw invalidArgument('etcd endpoints', 'at least one client URL such as http://127.0.0.1:2379');
  }
  const requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
  return new Etcd3({
    hosts: opts.endpoints,
    dialTimeout: opts.dialTimeoutMs ?? 5_000,
    // No retries inside the client: a commit sent again after its answer was lost would fail
    // its own compares. Callers retry what is safe to retry (see notSent). The default
    // per-member circuit breaker stays, so a dead member is skipped for a while.
    faultHandling: { global: noop },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
  });
}

/** True when a request certainly did not reach etcd, so that sending it again is safe. */
export function notSent(err: unknown): boolean {
  return (
    isBrokenCircuitError(err) ||
    (err instanceof GRPCUnavailableError && /No connection established/.test(err.message))
  );
}

/**
 * Runs `call`, again while it certainly did not reach etcd: the client picks a member at
 * random, and a dead one's circuit opens after a few refusals, so a live one gets the call.
 */
export async function failover<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!notSent(err) || attempt >= 6) throw err;
    }
  }
}

/** An UNAVAILABLE error that names the endpoints and what to check. */
export function unavailable(endpoints: string[], what: string, err: unknown): FlotillaError {
  return new FlotillaError(
    'UNAVAILABLE',
    `${what}: no answer from etcd (${describeError(err)}); check that its members run, have a ` +
      `quorum and can be reached from this manager: etcdctl --endpoints=${endpoints.join(',')} endpoint health`,
    { cause: err },
  );
}
