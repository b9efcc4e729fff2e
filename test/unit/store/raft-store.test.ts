import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { join } from 'node:path';
import pino from 'pino';
import { isFlotillaError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';
import { RaftStore } from '../../../manager/store/raft-store.js';
import { decodeWrite } from '../../../manager/store/write-codec.js';
import type { StoreEvent } from '../../../manager/store/types.js';
import { eventually, makeNode, makeService, makeSpec, tempDir } from '../helpers.js';
import { LocalNetwork } from '../raft/node/local-network.js';

const members = [1, 2, 3].map((id) => ({ id, address: `m${id}` }));

type Tuning = { snapshotEvery?: number; keepEntries?: number; logger?: Logger };

async function group(t: ExecutionContext, tuning: Tuning = {}) {
  const dir = await tempDir(t);
  const net = new LocalNetwork();
  const stores = new Map<number, RaftStore>();
  const start = async (id: number, extra: { forceNewCluster?: boolean } = {}) => {
    const store = await RaftStore.open({
      id,
      dir: join(dir, String(id)),
      transport: net.transport(id),
      bootstrap: members,
      tickMs: 5,
      heartbeatTick: 1,
      ...tuning,
      ...extra,
    });
    stores.set(id, store);
    return store;
  };
  await Promise.all(members.map((m) => start(m.id)));
  t.teardown(() => Promise.all([...stores.values()].map((s) => s.close())));
  const leader = () =>
    eventually(() => [...stores.values()].find((s) => s.raft.isLeader), { message: 'a leader' });
  const stop = async (id: number) => {
    await stores.get(id)!.close();
    stores.delete(id);
  };
  return { net, stores, start, stop, leader };
}

test('a write on the leader reaches every manager, and a follower refuses writes', async (t) => {
  const g = await group(t);
  const leader = await g.leader();
  const node = makeNode();
  await leader.update((tx) => tx.create('nodes', node));
  for (const store of g.stores.values()) {
    const got = await eventually(() => store.view((tx) => tx.get('nodes', node.id)));
    t.is(
      got.meta?.version,
      leader.view((tx) => tx.index),
    );
  }
  const follower = [...g.stores.values()].find((s) => s !== leader)!;
  const err = await t.throwsAsync(follower.update((tx) => tx.create('nodes', makeNode())));
  t.true(isFlotillaError(err, 'NOT_LEADER'));
});

test('of two writes racing on one object, the second fails with CONFLICT everywhere', async (t) => {
  const g = await group(t);
  const leader = await g.leader();
  const node = makeNode();
  await leader.update((tx) => tx.create('nodes', node));
  const stale = leader.view((tx) => tx.get('nodes', node.id))!;
  const writes = ['a', 'b'].map((hostname) =>
    leader.update((tx) => tx.update('nodes', { ...stale, description: { ...stale.description!, hostname } })),
  );
  const results = await Promise.allSettled(writes);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  t.true(isFlotillaError(failed.reason, 'CONFLICT'), String(failed.reason));
  const hostnames = await eventually(() => {
    const names = [...g.stores.values()].map(
      (s) => s.view((tx) => tx.get('nodes', node.id))?.description?.hostname,
    );
    return names.every((n) => n === names[0] && n !== stale.description?.hostname) ? names : undefined;
  });
  t.true(hostnames[0] === 'a' || hostnames[0] === 'b');
});

test('a watch on a follower sees the leader writes in order, also across a snapshot it installs', async (t) => {
  const g = await group(t, { snapshotEvery: 5, keepEntries: 1 });
  const leader = await g.leader();
  const follower = [...g.stores.entries()].find(([, s]) => s !== leader)!;
  const seen: StoreEvent[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of follower[1].watch({ tables: ['services'] }, ac.signal)) seen.push(e);
  })();
  await leader.update((tx) => tx.create('services', makeService()));
  await eventually(() => seen.length === 1);
  g.net.isolate(follower[0]);
  const later = [...Array(12).keys()].map((i) => makeService(makeSpec({ name: `s${i}` })));
  for (const s of later) await leader.update((tx) => tx.create('services', s));
  g.net.heal();
  await eventually(() => seen.length === 13, { message: '13 service events' });
  t.deepEqual(
    seen
      .slice(1)
      .map((e) => e.object.id)
      .sort(),
    later.map((s) => s.id).sort(),
  );
  const indexes = seen.map((e) => e.index);
  t.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
  );
});

test('every manager restarted from disk holds the state it had', async (t) => {
  const g = await group(t);
  const leader = await g.leader();
  const services = [makeService(makeSpec({ name: 'a' })), makeService(makeSpec({ name: 'b' }))];
  for (const s of services) await leader.update((tx) => tx.create('services', s));
  await eventually(() =>
    [...g.stores.values()].every((s) => s.view((tx) => tx.all('services').length === 2)),
  );
  const before = leader.snapshot();
  for (const id of [1, 2, 3]) await g.stop(id);
  for (const id of [1, 2, 3]) await g.start(id);
  for (const store of g.stores.values()) {
    await eventually(() => store.view((tx) => tx.index) >= before.index);
    t.deepEqual(store.snapshot().services, before.services);
  }
});

test('watches never go back in time across a change of leader', async (t) => {
  const g = await group(t);
  const first = await g.leader();
  const watcher = [...g.stores.entries()].find(([, s]) => s !== first)!;
  const seen: StoreEvent[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of watcher[1].watch({}, ac.signal)) seen.push(e);
  })();
  await first.update((tx) => tx.create('services', makeService(makeSpec({ name: 'before' }))));
  const firstId = [...g.stores.entries()].find(([, s]) => s === first)![0];
  g.net.isolate(firstId);
  const next = await eventually(
    () => [...g.stores.entries()].find(([id, s]) => id !== firstId && s.raft.isLeader)?.[1],
  );
  await next.update((tx) => tx.create('services', makeService(makeSpec({ name: 'after' }))));
  g.net.heal();
  await eventually(() => seen.length >= 2, { message: 'both creates seen' });
  const indexes = seen.map((e) => e.index);
  t.deepEqual(
    indexes,
    [...new Set(indexes)].sort((a, b) => a - b),
    'strictly increasing, no repeats',
  );
  t.deepEqual(
    seen.map((e) => (e.object as { spec?: { name?: string } }).spec?.name),
    ['before', 'after'],
  );
});

/** Entry data that is no store write: the bytes the attacker test sent, and random ones. */
const garbage = [
  Buffer.from('0102030405060708', 'hex'),
  ...fc.sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { seed: 17, numRuns: 4 }),
];

test('an entry that holds no store write is skipped by every manager, also on restart', async (t) => {
  const logged: { msg: string; index: number; head: string }[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const g = await group(t, { logger });
  const leader = await g.leader();
  await leader.update((tx) => tx.create('nodes', makeNode()));
  const before = leader.snapshot();
  for (const data of garbage) {
    t.throws(() => decodeWrite(data), { code: 'CORRUPT' });
    await leader.raft.propose(data);
  }
  const last = leader.raft.appliedIndex;
  for (const store of g.stores.values()) {
    await eventually(() => store.raft.appliedIndex >= last);
    t.deepEqual(store.snapshot(), before);
  }
  const skipped = logged.filter((l) => l.msg.startsWith('store: skipped'));
  t.is(skipped.length, garbage.length * 3, 'once per entry and manager');
  t.true(skipped.some((l) => l.head === '0102030405060708' && l.index > 0));
  t.true(skipped.every((l) => l.head.length <= 33));
  const node = makeNode();
  await leader.update((tx) => tx.create('nodes', node));
  for (const id of [1, 2, 3]) await g.stop(id);
  for (const id of [1, 2, 3]) await g.start(id);
  for (const store of g.stores.values()) {
    t.truthy(await eventually(() => store.view((tx) => tx.get('nodes', node.id))));
  }
  const again = await g.leader();
  await again.update((tx) => tx.create('nodes', makeNode()));
  t.is(
    again.view((tx) => tx.all('nodes').length),
    3,
  );
});

test('force-new-cluster recovers a log holding an entry that is no store write', async (t) => {
  const g = await group(t);
  const leader = await g.leader();
  const [first, second] = [makeService(makeSpec({ name: 'a' })), makeService(makeSpec({ name: 'b' }))];
  await leader.update((tx) => tx.create('services', first));
  await leader.raft.propose(garbage[0]!);
  await leader.update((tx) => tx.create('services', second));
  const survivor = [...g.stores.entries()].find(([, s]) => s !== leader)![0];
  const before = await eventually(() => {
    const snap = g.stores.get(survivor)!.snapshot();
    return snap.services.length === 2 ? snap : undefined;
  });
  for (const id of [1, 2, 3]) await g.stop(id);
  const forced = await g.start(survivor, { forceNewCluster: true });
  t.deepEqual(forced.snapshot(), before);
  await eventually(() => forced.raft.isLeader, { message: 'the survivor leads' });
  await forced.update((tx) => tx.create('services', makeService(makeSpec({ name: 'c' }))));
  t.is(
    forced.view((tx) => tx.all('services').length),
    3,
  );
});
