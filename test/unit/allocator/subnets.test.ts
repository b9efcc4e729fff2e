import test from 'ava';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import {
  containerPoolValue,
  DEFAULT_CONTAINER_POOL,
  freeSubnets,
  parsePool,
  poolExhausted,
  sliceOf,
} from '../../../manager/allocator/subnets.js';
import type { Cluster } from '../../../proto/types.js';
import { makeCluster, makeNode } from '../helpers.js';

const cluster = (containerPool: string): Cluster =>
  makeCluster({
    spec: { name: 'c', heartbeatPeriodMs: 1000, taskHistoryLimit: 5, nodeCertExpiryMs: 0, containerPool },
  });

test('a pool stored as a CIDR alone (as clusters before the mask option) gives /24s in order', (t) => {
  t.deepEqual(parsePool('10.213.0.0/16'), {
    base: (10 << 24) + (213 << 16),
    prefix: 16,
    mask: 24,
    slices: 256,
  });
  t.is(sliceOf('10.213.0.0/16', 0), '10.213.0.0/24');
  t.is(sliceOf('10.213.0.0/16', 7), '10.213.7.0/24');
  t.is(sliceOf('10.0.0.0/8', 300), '10.1.44.0/24');
});

test('the default pool holds a /24 for each of 16,384 nodes', (t) => {
  t.is(containerPoolValue(), DEFAULT_CONTAINER_POOL);
  t.like(parsePool(DEFAULT_CONTAINER_POOL), { mask: 24, slices: 16_384 });
  t.is(sliceOf(DEFAULT_CONTAINER_POOL, 0), '10.64.0.0/24');
  t.is(sliceOf(DEFAULT_CONTAINER_POOL, 16_383), '10.127.255.0/24');
});

test('a mask length other than 24 is kept with the pool, and gives subnets of that size', (t) => {
  const pool = containerPoolValue('10.0.0.0/8', '26');
  t.is(pool, '10.0.0.0/8;mask=26');
  t.like(parsePool(pool), { prefix: 8, mask: 26, slices: 2 ** 18 });
  t.is(sliceOf(pool, 5), '10.0.1.64/26');
  t.is(containerPoolValue('10.1.0.0/16', '24'), '10.1.0.0/16');
  // A pool smaller than a /24 is one node's subnet unless told otherwise.
  t.is(containerPoolValue('10.1.0.0/26'), '10.1.0.0/26;mask=26');
});

test('a bad pool or mask length is refused naming its flag', (t) => {
  for (const bad of ['10.213.0.0/29', '10.213.1.0/16', '10.213.0.0', '300.0.0.0/8', 'x/16', '10.0.0.0/7']) {
    t.throws(
      () => containerPoolValue(bad),
      { message: /^invalid --default-addr-pool: expected an IPv4 CIDR/ },
      bad,
    );
    t.throws(() => parsePool(bad), { message: /^invalid --default-addr-pool: / }, bad);
  }
  for (const bad of ['15', '29', 'x', '24.5', '']) {
    t.throws(
      () => containerPoolValue('10.64.0.0/16', bad),
      { message: /^invalid --default-addr-pool-mask-length: expected a prefix length from 16 .* to 28/ },
      bad,
    );
  }
  t.throws(() => parsePool('10.0.0.0/8;size=26'), { message: /--default-addr-pool-mask-length/ });
});

test('each write takes the lowest subnets no node holds; a removed node frees its own', async (t) => {
  const store = await MemoryStore.open();
  const pool = cluster('10.99.0.0/23;mask=25');
  const add = (...ids: string[]) =>
    store.update((tx) => {
      const { subnets } = freeSubnets(tx, pool, ids.length);
      subnets.forEach((containerSubnet, i) => tx.create('nodes', makeNode({ id: ids[i]!, containerSubnet })));
      return subnets;
    });
  t.deepEqual(await add('a'), ['10.99.0.0/25']);
  t.deepEqual(await add('b', 'c', 'd', 'e'), ['10.99.0.128/25', '10.99.1.0/25', '10.99.1.128/25']);
  t.regex(
    poolExhausted(pool).message,
    /the container address pool 10\.99\.0\.0\/23;mask=25 has no \/25 left for another node \(4 nodes hold one\)/,
  );
  await store.update((tx) => tx.delete('nodes', 'c'));
  t.deepEqual(await add('f', 'g'), ['10.99.1.0/25']);
});

test('a cluster that stores no pool uses the default', async (t) => {
  const store = await MemoryStore.open();
  t.deepEqual(store.view((tx) => freeSubnets(tx, cluster(''), 2)).subnets, ['10.64.0.0/24', '10.64.1.0/24']);
});

test('a search may start further in the pool, and goes on from its start', async (t) => {
  const store = await MemoryStore.open();
  await store.update((tx) => tx.create('nodes', makeNode({ id: 'a', containerSubnet: '10.99.0.0/24' })));
  const pool = cluster('10.99.0.0/22');
  t.deepEqual(
    store.view((tx) => freeSubnets(tx, pool, 3, 3)),
    { subnets: ['10.99.3.0/24', '10.99.1.0/24', '10.99.2.0/24'], next: 3 },
  );
  t.deepEqual(
    store.view((tx) => freeSubnets(tx, pool, 1, 7)),
    { subnets: ['10.99.3.0/24'], next: 0 },
  );
});
