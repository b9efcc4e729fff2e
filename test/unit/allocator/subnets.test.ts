import test from 'ava';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { freeSubnet, parsePool, sliceOf } from '../../../manager/allocator/subnets.js';
import type { Cluster } from '../../../proto/types.js';
import { makeCluster, makeNode } from '../helpers.js';

const cluster = (containerPool: string): Cluster =>
  makeCluster({
    spec: { name: 'c', heartbeatPeriodMs: 1000, taskHistoryLimit: 5, nodeCertExpiryMs: 0, containerPool },
  });

test('a pool gives /24 slices in order', (t) => {
  t.deepEqual(parsePool('10.213.0.0/16'), { base: (10 << 24) + (213 << 16), slices: 256 });
  t.is(sliceOf('10.213.0.0/16', 0), '10.213.0.0/24');
  t.is(sliceOf('10.213.0.0/16', 7), '10.213.7.0/24');
  t.is(sliceOf('10.0.0.0/8', 300), '10.1.44.0/24');
});

test('a pool that is not an aligned IPv4 CIDR from /8 to /24 is refused naming it', (t) => {
  for (const bad of ['10.213.0.0/25', '10.213.1.0/16', '10.213.0.0', '300.0.0.0/8', 'x/16']) {
    t.throws(() => parsePool(bad), { message: /invalid container address pool: expected an IPv4 CIDR/ }, bad);
  }
});

test('each node gets the lowest slice no node holds; a removed node frees its own', async (t) => {
  const store = await MemoryStore.open();
  const pool = cluster('10.99.0.0/23');
  const add = (id: string) =>
    store.update((tx) => {
      const subnet = freeSubnet(tx, pool);
      tx.create('nodes', makeNode({ id, containerSubnet: subnet }));
      return subnet;
    });
  t.is(await add('a'), '10.99.0.0/24');
  t.is(await add('b'), '10.99.1.0/24');
  await t.throwsAsync(add('c'), {
    message: /the container address pool 10\.99\.0\.0\/23 has no \/24 left for another node/,
  });
  await store.update((tx) => tx.delete('nodes', 'a'));
  t.is(await add('c'), '10.99.0.0/24');
});
