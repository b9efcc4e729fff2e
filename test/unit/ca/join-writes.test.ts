/**
 * The writes admitting joining nodes: joins that arrive together share writes, and each node
 * gets a container subnet of its own even when many are written at once.
 */
import test from 'ava';
import { joinWritesOf } from '../../../manager/ca/join-writes.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Node } from '../../../proto/types.js';
import { makeCluster, makeNode } from '../helpers.js';

async function storeWithPool(containerPool: string) {
  const store = await MemoryStore.open();
  const cluster = makeCluster();
  await store.update((tx) =>
    tx.create('clusters', {
      ...cluster,
      rootCa: { cert: '', key: '', sealedKey: Buffer.alloc(0), digest: 'd', crossSigned: '', external: null },
      spec: { ...cluster.spec!, containerPool },
    }),
  );
  let writes = 0;
  const update = store.update.bind(store);
  store.update = (fn) => (writes++, update(fn));
  return { store, writes: () => writes };
}

const record = (id: string): Omit<Node, 'containerSubnet'> => {
  const { containerSubnet: _, ...rest } = makeNode({ id });
  return rest;
};

test('joins that arrive together are written together, each with a subnet of its own', async (t) => {
  const { store, writes } = await storeWithPool('10.64.0.0/15');
  const nodes = await Promise.all(
    Array.from({ length: 300 }, (_, i) => joinWritesOf(store).admit(record(`n${i}`))),
  );
  t.is(new Set(nodes.map((n) => n.containerSubnet)).size, 300);
  t.is(
    store.view((tx) => tx.all('nodes').length),
    300,
  );
  t.true(writes() < 300 / 2, `${writes()} writes`);
  t.deepEqual(
    nodes.slice(0, 2).map((n) => n.containerSubnet),
    ['10.64.0.0/24', '10.64.1.0/24'],
  );
});

test('when the pool runs out, only the nodes it has no subnet for are refused', async (t) => {
  const { store } = await storeWithPool('10.99.0.0/23');
  const results = await Promise.allSettled(
    ['a', 'b', 'c'].map((id) => joinWritesOf(store).admit(record(id))),
  );
  t.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected'],
  );
  const refused = results[2] as PromiseRejectedResult;
  t.regex(String(refused.reason), /no \/24 left for another node/);
  // The queue goes on after a refusal.
  await store.update((tx) => tx.delete('nodes', 'a'));
  t.is((await joinWritesOf(store).admit(record('d'))).containerSubnet, '10.99.0.0/24');
});

test('a join made again finds its record: the same subnet, only the certificate new', async (t) => {
  const { store } = await storeWithPool('10.64.0.0/15');
  const first = await joinWritesOf(store).admit(record('n1'));
  const renewed = { ...record('n1'), certificate: { ...first.certificate!, serial: 'again' } };
  // Made again while the first was still being written, and once more after.
  const [a, b] = await Promise.all([joinWritesOf(store).admit(renewed), joinWritesOf(store).admit(renewed)]);
  t.is(a.containerSubnet, first.containerSubnet);
  t.is(b.containerSubnet, first.containerSubnet);
  const stored = store.view((tx) => tx.all('nodes'));
  t.is(stored.length, 1);
  t.is(stored[0]!.certificate?.serial, 'again');
});
