/**
 * The etcd backend against a real 3-member etcd cluster on loopback: the store conformance
 * suite (each test under a prefix of its own), several stores sharing one prefix, re-reads
 * after a compaction, and the leader election. Tests that kill members run serially, so
 * before the others; every wait polls with a generous deadline, nothing asserts timing.
 */
import test, { type ExecutionContext } from 'ava';
import { Etcd3 } from 'etcd3';
import { isFlotillaError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { EtcdLeadership } from '../../manager/store/etcd/etcd-election.js';
import { EtcdStore } from '../../manager/store/etcd/etcd-store.js';
import type { Store, StoreEvent, StoreSnapshotData } from '../../manager/store/types.js';
import { eventually, makeNode, makeService, makeSpec } from '../unit/helpers.js';
import { storeConformance } from '../unit/store/conformance.js';
import { freePort } from './cluster-harness.js';
import { EtcdCluster, TcpProxy } from './etcd-harness.js';

let etcd: EtcdCluster;
test.before(async () => {
  etcd = await EtcdCluster.start();
});
test.after.always(async () => {
  await etcd?.stop();
});

const wait = { timeoutMs: 60_000, intervalMs: 50 };

async function openStore(
  t: ExecutionContext,
  prefix: string,
  endpoints = etcd.endpoints,
): Promise<EtcdStore> {
  const store = await EtcdStore.open({ endpoints, prefix });
  t.teardown(() => store.close());
  return store;
}

const freshPrefix = () => `/flotilla-test/${newId()}/`;

/** A store's objects, every table in id order, to compare what two stores hold. */
function contents(store: Store): Omit<StoreSnapshotData, 'index'> {
  const snap = store.snapshot();
  const byId = <T extends { id: string }>(objects: T[]) =>
    [...objects].sort((x, y) => x.id.localeCompare(y.id));
  return {
    clusters: byId(snap.clusters),
    nodes: byId(snap.nodes),
    services: byId(snap.services),
    tasks: byId(snap.tasks),
    networks: byId(snap.networks),
    secrets: byId(snap.secrets),
    configs: byId(snap.configs),
  };
}

storeConformance(test, {
  name: 'etcd',
  open: async () => ({ store: await EtcdStore.open({ endpoints: etcd.endpoints, prefix: freshPrefix() }) }),
});

function startLeadership(t: ExecutionContext, prefix: string, id: string): EtcdLeadership {
  const leadership = EtcdLeadership.start({ endpoints: etcd.endpoints, prefix, id, ttlSeconds: 2 });
  t.teardown(() => leadership.close());
  return leadership;
}

const leaders = (all: EtcdLeadership[]) => all.filter((l) => l.isLeader);

test.serial(
  'a leader that loses etcd steps down; once etcd is back, one contender leads again',
  async (t) => {
    const prefix = freshPrefix();
    const all = [startLeadership(t, prefix, 'a'), startLeadership(t, prefix, 'b')];
    await eventually(() => leaders(all).length === 1, wait);
    const flips: boolean[] = [];
    const first = leaders(all)[0]!;
    first.subscribe((v) => flips.push(v));
    // No quorum: keepalives fail, so the leader must stop leading.
    await etcd.kill(0);
    await etcd.kill(1);
    try {
      await eventually(() => leaders(all).length === 0, { ...wait, message: 'the leader to step down' });
    } finally {
      etcd.restart(0);
      etcd.restart(1);
      await etcd.healthy();
    }
    t.deepEqual(flips.slice(0, 2), [true, false]);
    await eventually(() => leaders(all).length === 1, { ...wait, message: 'a new leader' });
    // And it stays one: the other never leads at the same time.
    for (let i = 0; i < 20; i++) {
      t.true(leaders(all).length <= 1);
      await new Promise((r) => setTimeout(r, 50));
    }
  },
);

test.serial('a store fails with UNAVAILABLE without a quorum and works again after', async (t) => {
  const store = await openStore(t, freshPrefix());
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  await etcd.kill(1);
  await etcd.kill(2);
  try {
    const err = await t.throwsAsync(
      store.update((tx) => tx.update('nodes', { ...tx.get('nodes', node.id)!, role: 'MANAGER' })),
    );
    t.true(isFlotillaError(err, 'UNAVAILABLE'), String(err));
    t.regex(err?.message ?? '', /endpoint health/);
    t.true(etcd.endpoints.every((e) => err?.message.includes(e)));
  } finally {
    etcd.restart(1);
    etcd.restart(2);
    await etcd.healthy();
  }
  await retry(() =>
    store.update((tx) => tx.update('nodes', { ...tx.get('nodes', node.id)!, role: 'MANAGER' })),
  );
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.role),
    'MANAGER',
  );
});

test('a watch that fell behind a compaction reads the state afresh and publishes the differences', async (t) => {
  const prefix = freshPrefix();
  const proxy = await TcpProxy.start(etcd.endpoints[0]!);
  t.teardown(() => proxy.close());
  const lagging = await openStore(t, prefix, [proxy.url]);
  const writer = await openStore(t, prefix);
  const kept = makeNode();
  const removed = makeNode();
  await writer.update((tx) => {
    tx.create('nodes', kept);
    tx.create('nodes', removed);
  });
  await eventually(() => lagging.view((tx) => tx.all('nodes').length === 2), wait);
  const before = lagging.view((tx) => tx.index);
  const seen: StoreEvent[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of lagging.watch({}, ac.signal)) seen.push(e);
  })();

  proxy.cut();
  const added = makeNode();
  await writer.update((tx) => {
    tx.update('nodes', { ...tx.get('nodes', kept.id)!, role: 'MANAGER' });
    tx.delete('nodes', removed.id);
    tx.create('nodes', added);
  });
  await writer.update((tx) => tx.update('nodes', { ...tx.get('nodes', kept.id)!, role: 'WORKER' }));
  const client = new Etcd3({ hosts: etcd.endpoints });
  try {
    await client.kv.compact({ revision: writer.view((tx) => tx.index), physical: true });
  } finally {
    client.close();
  }
  proxy.restore();

  await eventually(() => lagging.view((tx) => tx.index) >= writer.view((tx) => tx.index), wait);
  t.deepEqual(contents(lagging), contents(writer));
  // One event per object that differs, at the revision of the fresh read, none back in time.
  await eventually(() => seen.length >= 3, wait);
  t.true(seen.every((e) => e.index > before));
  t.deepEqual(
    seen.map((e) => `${e.kind} ${e.object.id}`).sort(),
    [`create ${added.id}`, `delete ${removed.id}`, `update ${kept.id}`].sort(),
  );
});

test('two stores on one prefix see each other’s writes through their watches', async (t) => {
  const prefix = freshPrefix();
  const a = await openStore(t, prefix);
  const b = await openStore(t, prefix);
  const seenByB: StoreEvent[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of b.watch({ tables: ['services'] }, ac.signal)) seenByB.push(e);
  })();
  const service = makeService(makeSpec({ name: 'web' }));
  await a.update((tx) => tx.create('services', service));
  await eventually(() => b.view((tx) => tx.byName('services', 'web')), wait);
  await b.update((tx) =>
    tx.update('services', { ...tx.get('services', service.id)!, spec: makeSpec({ name: 'web' }, 3) }),
  );
  await eventually(
    () => a.view((tx) => tx.get('services', service.id)?.spec?.replicated?.replicas === 3),
    wait,
  );
  await eventually(() => seenByB.length >= 2, wait);
  t.deepEqual(
    seenByB.map((e) => [e.kind, e.object.id]),
    [
      ['create', service.id],
      ['update', service.id],
    ],
  );
  // Both caches hold the same objects, versions and times included.
  t.deepEqual(contents(a), contents(b));
});

test('a read barrier shows what another store wrote, at once', async (t) => {
  const prefix = freshPrefix();
  const a = await openStore(t, prefix);
  const b = await openStore(t, prefix);
  for (let i = 0; i < 20; i++) {
    const node = makeNode();
    await a.update((tx) => tx.create('nodes', node));
    await b.readBarrier();
    t.truthy(
      b.view((tx) => tx.get('nodes', node.id)),
      `write ${i} in view after the barrier`,
    );
  }
});

test('a stale write from another store fails with CONFLICT and writes nothing', async (t) => {
  const prefix = freshPrefix();
  const a = await openStore(t, prefix);
  const b = await openStore(t, prefix);
  const node = makeNode();
  await a.update((tx) => tx.create('nodes', node));
  await eventually(() => b.view((tx) => tx.get('nodes', node.id)), wait);
  const readByB = b.view((tx) => tx.get('nodes', node.id))!;
  await a.update((tx) => tx.update('nodes', { ...tx.get('nodes', node.id)!, role: 'MANAGER' }));
  const err = await t.throwsAsync(b.update((tx) => tx.update('nodes', { ...readByB, role: 'WORKER' })));
  t.true(isFlotillaError(err, 'CONFLICT'), String(err));
  // b caught up with a's write while finding out.
  t.is(
    b.view((tx) => tx.get('nodes', node.id)?.role),
    'MANAGER',
  );
  t.deepEqual(contents(a), contents(b));
});

test('two stores racing for one service name: exactly one creates it', async (t) => {
  const prefix = freshPrefix();
  const stores = [await openStore(t, prefix), await openStore(t, prefix)];
  const results = await Promise.allSettled(
    stores.map((s) => s.update((tx) => tx.create('services', makeService(makeSpec({ name: 'db' }))))),
  );
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  const lost = results.find((r) => r.status === 'rejected');
  t.true(isFlotillaError(lost?.reason, 'ALREADY_EXISTS'), String(lost?.reason));
  for (const s of stores) await eventually(() => s.view((tx) => tx.all('services').length === 1), wait);
});

test('a reopened store reads the state back, versions and times included', async (t) => {
  const prefix = freshPrefix();
  const first = await EtcdStore.open({ endpoints: etcd.endpoints, prefix });
  const service = makeService(makeSpec({ name: 'api' }));
  await first.update((tx) => {
    tx.create('nodes', makeNode());
    tx.create('services', service);
  });
  const before = contents(first);
  const index = first.view((tx) => tx.index);
  await first.close();
  const again = await openStore(t, prefix);
  t.deepEqual(contents(again), before);
  t.true(again.view((tx) => tx.index) >= index);
  // Names are kept in etcd too.
  const err = await t.throwsAsync(
    again.update((tx) => tx.create('services', makeService(makeSpec({ name: 'api' })))),
  );
  t.true(isFlotillaError(err, 'ALREADY_EXISTS'), String(err));
});

test('opening a store without a reachable etcd fails with UNAVAILABLE naming the endpoint', async (t) => {
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  const err = await t.throwsAsync(EtcdStore.open({ endpoints: [endpoint], dialTimeoutMs: 500 }));
  t.true(isFlotillaError(err, 'UNAVAILABLE'), String(err));
  t.true(err?.message.includes(endpoint));
});

test('a store and an election work with a dead member among the endpoints', async (t) => {
  const endpoints = [`http://127.0.0.1:${await freePort()}`, ...etcd.endpoints];
  const prefix = freshPrefix();
  const store = await openStore(t, prefix, endpoints);
  for (let i = 0; i < 10; i++) await store.update((tx) => tx.create('nodes', makeNode()));
  t.is(
    store.view((tx) => tx.all('nodes').length),
    10,
  );
  const leadership = EtcdLeadership.start({ endpoints, prefix, id: 'only', ttlSeconds: 2 });
  t.teardown(() => leadership.close());
  await eventually(() => leadership.isLeader, wait);
  t.pass();
});

test('exactly one contender leads; closing the leader hands over to another', async (t) => {
  const prefix = freshPrefix();
  const all = ['a', 'b', 'c'].map((id) => startLeadership(t, prefix, id));
  await eventually(() => leaders(all).length === 1, wait);
  const first = leaders(all)[0]!;
  t.is(await first.leaderAddr(), ['a', 'b', 'c'][all.indexOf(first)]);
  await first.close();
  t.false(first.isLeader);
  const rest = all.filter((l) => l !== first);
  await eventually(() => leaders(rest).length === 1, wait);
  const second = leaders(rest)[0]!;
  t.is(await second.leaderAddr(), ['a', 'b', 'c'][all.indexOf(second)]);
  t.is(leaders(all).length, 1);
});

/**
 * Retries a read-and-write while etcd recovers: UNAVAILABLE, or CONFLICT when a write that
 * timed out had been applied after all.
 */
async function retry<T>(write: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    try {
      return await write();
    } catch (err) {
      if (!isFlotillaError(err, 'UNAVAILABLE') && !isFlotillaError(err, 'CONFLICT')) throw err;
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw last;
}
