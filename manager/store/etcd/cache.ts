/**
 * The state under a prefix in etcd, mirrored in memory so that views stay synchronous: one
 * range read, then a watch from the revision after it. Every etcd revision is applied as
 * one changeset at that revision, so the cache's index and the objects' versions are etcd
 * revisions and watchers see the same order as etcd, without gaps or repeats.
 *
 * A watch that breaks, or lags behind a commit of this manager, is resumed after the last
 * applied revision (perhaps through another member); one that etcd cancelled (its
 * start was compacted away) is replaced by a fresh read whose differences are published
 * as events at the read's revision. The cache never goes back in time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Range, type Etcd3, type IEvent, type IWatchResponse, type Watcher } from 'etcd3';
import { describeError, FlotillaError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';
import { StoreState, type Change } from '../state.js';
import { diffEvents } from '../state-diff.js';
import type { StoreEvent, StoreSnapshotData } from '../types.js';
import type { EventHub } from '../watch.js';
import { failover } from './client.js';
import { decodeObject, type Layout } from './layout.js';

// Objects per page of a full read; all pages are read at the revision of the first.
const PAGE = 500;

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class EtcdCache {
  readonly state = new StoreState();
  private watcher: Watcher | undefined;
  private waiters: Waiter[] = [];
  private failures = 0;
  private readonly closing = new AbortController();
  private recovering: Promise<void> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly layout: Layout,
    private readonly hub: EventHub,
    private readonly log: Logger,
    /** How long a commit waits for the watch to show it before watching again. */
    private readonly stallMs: number,
  ) {}

  /** Reads the state and starts following it. */
  async start(): Promise<void> {
    this.state.restore(await this.read());
    this.follow();
  }

  /** Resolves once the cache has applied `revision` (a commit of this manager, or one it lost to). */
  caughtUp(revision: number): Promise<void> {
    if (this.state.index >= revision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // The watch's member may lag behind or be cut off from the others without the watch
      // breaking: while the revision does not show, watch again (maybe through another member).
      let stall: NodeJS.Timeout;
      const check = () => {
        if (this.watcher) {
          this.log.warn({ revision, index: this.state.index }, 'etcd watch lags; watching again');
          this.recover(this.watcher, false);
        }
        stall = setTimeout(check, this.stallMs);
      };
      stall = setTimeout(check, this.stallMs);
      this.waiters.push({
        revision,
        resolve: () => (clearTimeout(stall), resolve()),
        reject: (err) => (clearTimeout(stall), reject(err)),
      });
    });
  }

  async close(): Promise<void> {
    this.closing.abort();
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
    await this.recovering;
    for (const w of this.waiters.splice(0)) {
      w.reject(new FlotillaError('CANCELLED', 'the store was closed before the write showed in it'));
    }
  }

  private follow(): void {
    const watcher = this.client
      .watch()
      .prefix(this.layout.prefix)
      .startRevision(String(this.state.index + 1))
      .watcher();
    this.watcher = watcher;
    watcher.on('connected', () => (this.failures = 0));
    watcher.on('data', (res: IWatchResponse) => this.watcher === watcher && this.applyResponse(res));
    watcher.on('disconnected', (err: Error) => this.recover(watcher, false, err));
    // etcd cancelled the watch, e.g. because its start revision was compacted.
    watcher.on('error', (err: Error) => this.recover(watcher, true, err));
  }

  /** Replaces a watcher that broke (or lags); only the first report about it counts. */
  private recover(watcher: Watcher, reread: boolean, err?: Error): void {
    if (this.watcher !== watcher || this.closing.signal.aborted) return;
    this.watcher = undefined;
    void watcher.cancel().catch(() => undefined);
    if (err) {
      const next = reread ? 'reading the state afresh' : 'resuming it';
      this.log.warn({ err: describeError(err), index: this.state.index }, `etcd watch ended; ${next}`);
    }
    this.recovering = this.resume(reread);
  }

  private async resume(reread: boolean): Promise<void> {
    const signal = this.closing.signal;
    while (!signal.aborted) {
      await sleep(Math.min(50 * 2 ** this.failures++, 2_000), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      try {
        const snap = reread ? await this.read() : undefined;
        if (signal.aborted) return;
        if (snap) this.reread(snap);
        this.follow();
        return;
      } catch (err) {
        this.log.warn({ err: describeError(err) }, 'cannot read the state from etcd; retrying');
      }
    }
  }

  /** All objects under the prefix, at one revision. */
  private async read(): Promise<StoreSnapshotData> {
    const { start, end } = Range.prefix(this.layout.prefix);
    const snap: StoreSnapshotData = {
      index: 0,
      clusters: [],
      nodes: [],
      services: [],
      tasks: [],
      networks: [],
      secrets: [],
      configs: [],
    };
    let key = start;
    for (;;) {
      const res = await failover(() =>
        this.client.kv.range({
          key,
          range_end: end,
          limit: PAGE,
          ...(snap.index ? { revision: snap.index } : {}),
        }),
      );
      if (!snap.index) snap.index = Number(res.header.revision);
      for (const kv of res.kvs) {
        const where = this.layout.parse(kv.key);
        if (where)
          (snap[where.table] as unknown[]).push(decodeObject(where.table, kv.value, kv.mod_revision));
      }
      const last = res.kvs.at(-1);
      if (!res.more || !last) return snap;
      key = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  /** Takes a fresh read and publishes how it differs from what the cache had. */
  private reread(snap: StoreSnapshotData): void {
    if (snap.index <= this.state.index) return;
    const before = this.state.snapshot();
    this.state.restore(snap);
    this.hub.publish(diffEvents(before, this.state));
    this.wake();
  }

  private applyResponse(res: IWatchResponse): void {
    for (const [revision, events] of byRevision(res.events)) {
      if (revision <= this.state.index) continue;
      let applied: StoreEvent[];
      try {
        const changes = this.changes(events);
        // The time the writer stamped on the commit's objects (the same on every one).
        const now = changes.find((c) => c.kind !== 'delete')?.object.meta?.updatedAt ?? Date.now();
        applied = this.state.apply(changes, revision, now);
      } catch (err) {
        // Only when something else than Flotilla wrote under the prefix; start over from etcd.
        this.log.error({ err: describeError(err), revision }, 'etcd change does not fit the cache');
        if (this.watcher) this.recover(this.watcher, true);
        return;
      }
      this.hub.publish(applied);
    }
    this.wake();
  }

  /** One revision's events as a changeset against the cache (keys other than objects are skipped). */
  private changes(events: IEvent[]): Change[] {
    const changes: Change[] = [];
    for (const e of events) {
      const where = this.layout.parse(e.kv.key);
      if (!where) continue;
      const current = this.state.get(where.table, where.id);
      const expectedVersion = current?.meta?.version ?? 0;
      if (e.type === 'Delete') {
        if (current)
          changes.push({ kind: 'delete', table: where.table, object: current, expectedVersion } as Change);
        continue;
      }
      const object = decodeObject(where.table, e.kv.value, e.kv.mod_revision);
      changes.push({
        kind: current ? 'update' : 'create',
        table: where.table,
        object,
        expectedVersion,
      } as Change);
    }
    return changes;
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.revision > this.state.index) return true;
      w.resolve();
      return false;
    });
  }
}

/** Events grouped by the revision that made them, in order (etcd sends a revision whole). */
function byRevision(events: IEvent[]): Map<number, IEvent[]> {
  const out = new Map<number, IEvent[]>();
  for (const e of events) {
    const revision = Number(e.kv.mod_revision);
    const group = out.get(revision);
    if (group) group.push(e);
    else out.set(revision, [e]);
  }
  return out;
}
