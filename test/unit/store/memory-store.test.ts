/** What only the single-manager store promises; what every store does is in conformance.ts. */
import test from 'ava';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { StoreEvent } from '../../../manager/store/types.js';
import { eventually, makeNode, makeService, makeTask } from '../helpers.js';

test('indexes count commits one by one from 0, and a commit’s events share its index', async (t) => {
  const store = await MemoryStore.open();
  t.is(
    store.view((tx) => tx.index),
    0,
  );
  const ac = new AbortController();
  const seen: StoreEvent[] = [];
  const watching = (async () => {
    for await (const e of store.watch({}, ac.signal)) seen.push(e);
  })();
  const node = makeNode();
  const service = makeService();
  await store.update((tx) => tx.create('nodes', node));
  await store.update((tx) => {
    tx.create('services', service);
    tx.create('tasks', makeTask(service));
  });
  await store.update((tx) => tx.delete('nodes', node.id));
  await eventually(() => seen.length >= 4);
  ac.abort();
  await watching;
  t.deepEqual(
    seen.map((e) => e.index),
    [1, 2, 2, 3],
  );
  t.is(
    store.view((tx) => tx.index),
    3,
  );
  t.is(
    store.view((tx) => tx.get('services', service.id)?.meta?.version),
    2,
  );
});
