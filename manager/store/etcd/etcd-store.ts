/**
 * The store kept in etcd, for users who run etcd instead of the embedded Raft. Reads and
 * watches come from an in-memory cache that follows etcd (cache.ts); a write runs against
 * the cache and commits as one etcd transaction whose compares make it fail, writing
 * nothing, when another manager changed the same objects first (commit.ts). Versions and
 * indexes are etcd revisions.
 */
import type { Etcd3, ITxnRequest, ITxnResponse } from 'etcd3';
import { FlotillaError } from '../../../lib/errors.js';
import { silentLogger, type Logger } from '../../../lib/log.js';
import { Transaction } from '../transaction.js';
import type { EventFilter, ReadTx, Store, StoreEvent, StoreSnapshotData, WriteTx } from '../types.js';
import { EventHub } from '../watch.js';
import { EtcdCache } from './cache.js';
import { connect, failover, notSent, unavailable, type EtcdClientOptions } from './client.js';
import { commitRequest } from './commit.js';
import { Layout } from './layout.js';

// Commits lost to other writers before update() gives up (each loss means one of them progressed).
const MAX_ATTEMPTS = 10;

export interface EtcdStoreOptions extends EtcdClientOptions {
  /** Where under etcd's key space the state lives (default '/flotilla/'); one cluster per prefix. */
  prefix?: string;
  logger?: Logger;
}

export class EtcdStore implements Store {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly client: Etcd3,
    private readonly endpoints: string[],
    private readonly layout: Layout,
    private readonly hub: EventHub,
    private readonly cache: EtcdCache,
  ) {}

  /** Connects, reads the state and follows it; fails with UNAVAILABLE if etcd cannot be read. */
  static async open(opts: EtcdStoreOptions): Promise<EtcdStore> {
    const client = connect(opts);
    const layout = new Layout(opts.prefix ?? '/flotilla/');
    const log = (opts.logger ?? silentLogger()).child({ module: 'etcd-store' });
    const hub = new EventHub();
    const cache = new EtcdCache(client, layout, hub, log, 2 * (opts.requestTimeoutMs ?? 5_000));
    try {
      await cache.start();
    } catch (err) {
      await cache.close();
      client.close();
      throw unavailable(opts.endpoints, `cannot read the cluster state under ${layout.prefix}`, err);
    }
    return new EtcdStore(client, opts.endpoints, layout, hub, cache);
  }

  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.cache.state);
  }

  async update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    const tx = new Transaction(this.cache.state);
    const result = fn(tx);
    const changes = tx.changes();
    if (changes.length === 0) return result;
    const now = Date.now();
    for (let attempt = 1; ; attempt++) {
      // Against the cache first: a stale read fails here with the precise error.
      this.cache.state.validate(changes);
      const res = await this.commit(commitRequest(this.layout, this.cache.state, changes, now));
      if (res.succeeded) {
        // Read-your-writes: resolve once views show the write.
        await this.cache.caughtUp(Number(res.header.revision));
        return result;
      }
      if (attempt === MAX_ATTEMPTS) {
        throw new FlotillaError(
          'CONFLICT',
          `other writers kept changing the same objects during ${MAX_ATTEMPTS} attempts to commit; read again and retry`,
        );
      }
      // Another manager wrote first: catch up to its write, then validate again.
      const lastWrite = res.responses[0]?.response_range.kvs[0];
      await this.cache.caughtUp(Number(lastWrite?.mod_revision ?? res.header.revision));
    }
  }

  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.hub.watch(filter, signal);
  }

  snapshot(): StoreSnapshotData {
    return this.cache.state.snapshot();
  }

  /** Asks etcd (a linearizable read) for the cluster's last write, and waits until the cache has it. */
  async readBarrier(): Promise<void> {
    let res;
    try {
      res = await failover(() => this.client.kv.range({ key: Buffer.from(this.layout.lastWrite) }));
    } catch (err) {
      throw unavailable(this.endpoints, 'cannot confirm the state is current', err);
    }
    const last = res.kvs[0];
    if (last) await this.cache.caughtUp(Number(last.mod_revision));
  }

  async close(): Promise<void> {
    this.closed ??= (async () => {
      await this.cache.close();
      this.hub.close();
      this.client.close();
    })();
    await this.closed;
  }

  private async commit(request: ITxnRequest): Promise<ITxnResponse> {
    try {
      return await failover(() => this.client.kv.txn(request));
    } catch (err) {
      const what = notSent(err)
        ? 'the write was not applied'
        : 'the write may or may not have been applied; read again before retrying';
      throw unavailable(this.endpoints, what, err);
    }
  }
}
