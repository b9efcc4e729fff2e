/**
 * Which manager runs the leader-only loops when the state lives in etcd: etcd's election
 * recipe. Each contender puts a key under `<prefix>election/`, bound to a lease of its own;
 * the oldest key leads, the others wait for the key just older than theirs to go.
 *
 * A leader trusts its lease only as long as etcd surely keeps it: a TTL after the last
 * keepalive etcd answered was sent, less a margin. It steps down when that time passes
 * without an answer (etcd unreachable), before another contender can take over.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdLeaseInvalidError, type Etcd3, type Lease } from 'etcd3';
import { describeError } from '../../../lib/errors.js';
import { silentLogger, type Logger } from '../../../lib/log.js';
import { LeadershipState, type Leadership } from '../../leadership.js';
import { connect, type EtcdClientOptions } from './client.js';
import { Layout } from './layout.js';

export interface EtcdLeadershipOptions extends EtcdClientOptions {
  /** This manager as the others see the leader, e.g. its node id. */
  id: string;
  /** The store's prefix (default '/flotilla/'): one election per cluster. */
  prefix?: string;
  /**
   * Lease TTL in seconds (default 3, at least 1): how long a leader cut off from etcd may
   * still lead, and so how long the others wait for one that vanished.
   */
  ttlSeconds?: number;
  logger?: Logger;
}

export class EtcdLeadership implements Leadership {
  private readonly state = new LeadershipState();
  private readonly closing = new AbortController();
  private readonly running: Promise<void>;

  private constructor(
    private readonly client: Etcd3,
    private readonly electionPrefix: string,
    private readonly id: string,
    private readonly ttlSeconds: number,
    private readonly log: Logger,
  ) {
    this.running = this.run();
  }

  /** Starts campaigning in the background; subscribe to learn when this manager leads. */
  static start(opts: EtcdLeadershipOptions): EtcdLeadership {
    const client = connect(opts);
    const log = (opts.logger ?? silentLogger()).child({ module: 'etcd-election' });
    const prefix = new Layout(opts.prefix ?? '/flotilla/').election;
    return new EtcdLeadership(client, prefix, opts.id, Math.max(1, opts.ttlSeconds ?? 3), log);
  }

  get isLeader(): boolean {
    return this.state.isLeader;
  }

  subscribe(fn: (isLeader: boolean) => void): () => void {
    return this.state.subscribe(fn);
  }

  /** The id of the contender that leads now (the oldest key), if any: managers use their address. */
  async leaderAddr(): Promise<string | undefined> {
    const res = await this.client
      .getAll()
      .prefix(this.electionPrefix)
      .sort('Create', 'Ascend')
      .limit(1)
      .exec();
    return res.kvs[0]?.value.toString();
  }

  async close(): Promise<void> {
    // Step down before the campaign ends and gives up the lease.
    this.set(false);
    this.state.close();
    this.closing.abort();
    await this.running;
    this.client.close();
  }

  private set(leading: boolean): void {
    if (this.state.set(leading)) this.log.info({ leading }, leading ? 'leading' : 'not leading');
  }

  private async run(): Promise<void> {
    const signal = this.closing.signal;
    while (!signal.aborted) {
      try {
        await this.campaign();
      } catch (err) {
        if (!signal.aborted)
          this.log.warn({ err: describeError(err) }, 'election campaign failed; trying again');
      }
      await sleep(Math.min(1_000, (this.ttlSeconds * 1_000) / 3), undefined, { signal }).catch(
        () => undefined,
      );
    }
  }

  /** One campaign, on a lease of its own; returns when the lease is lost or on close. */
  private async campaign(): Promise<void> {
    const lost = new AbortController();
    const onClose = () => lost.abort();
    this.closing.signal.addEventListener('abort', onClose, { once: true });
    const granted = Date.now();
    const lease = this.client.lease(this.ttlSeconds, { autoKeepAlive: false });
    const keeping = this.keepAlive(lease, granted, lost);
    try {
      const put = await lease
        .put(`${this.electionPrefix}${await lease.grant()}`)
        .value(this.id)
        .exec();
      await this.waitForTurn(Number(put.header.revision), lost.signal);
      if (lost.signal.aborted) return;
      this.set(true);
      await new Promise((resolve) => lost.signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      // Step down first, then remove the key so that the next contender takes over at once.
      this.set(false);
      lost.abort();
      await keeping;
      await lease.revoke().catch(() => undefined);
      this.closing.signal.removeEventListener('abort', onClose);
    }
  }

  /** Keeps the lease alive; aborts `lost` once etcd may have let it expire. */
  private async keepAlive(lease: Lease, granted: number, lost: AbortController): Promise<void> {
    const ttlMs = this.ttlSeconds * 1_000;
    let expiry: NodeJS.Timeout | undefined;
    const trustUntil = (sent: number) => {
      clearTimeout(expiry);
      expiry = setTimeout(() => lost.abort(), sent + ttlMs - ttlMs / 6 - Date.now());
    };
    trustUntil(granted);
    try {
      while (!lost.signal.aborted) {
        const sent = Date.now();
        try {
          await abortable(lease.keepaliveOnce({ deadline: sent + ttlMs }), lost.signal);
          if (!lost.signal.aborted) trustUntil(sent);
        } catch (err) {
          if (err instanceof EtcdLeaseInvalidError) lost.abort();
          else this.log.debug({ err: describeError(err) }, 'lease keepalive failed');
        }
        await sleep(ttlMs / 3, undefined, { signal: lost.signal }).catch(() => undefined);
      }
    } finally {
      clearTimeout(expiry);
    }
  }

  /** Waits until no campaign key older than ours is left. */
  private async waitForTurn(revision: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const older = await this.client
        .getAll()
        .prefix(this.electionPrefix)
        .maxCreateRevision(String(revision - 1))
        .sort('Create', 'Descend')
        .limit(1)
        .exec();
      const kv = older.kvs[0];
      if (!kv) return;
      await this.gone(kv.key, Number(older.header.revision) + 1, signal);
    }
  }

  /** Resolves when `key` is deleted, on abort, or after a TTL at the latest (to look again). */
  private async gone(key: Buffer, fromRevision: number, signal: AbortSignal): Promise<void> {
    const watcher = this.client.watch().key(key).startRevision(String(fromRevision)).only('delete').watcher();
    const wait = new AbortController();
    const done = () => wait.abort();
    watcher.once('delete', done).once('error', done);
    signal.addEventListener('abort', done, { once: true });
    try {
      await sleep(this.ttlSeconds * 1_000, undefined, { signal: wait.signal }).catch(() => undefined);
    } finally {
      signal.removeEventListener('abort', done);
      await watcher.cancel().catch(() => undefined);
    }
  }
}

/** `p`, or undefined once the signal aborts (a hung call must not hold the campaign). */
async function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  p.catch(() => undefined);
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
