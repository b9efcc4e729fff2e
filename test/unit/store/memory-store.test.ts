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

test('a burst of thousands of events arrives whole and in order, in slices that let other work run between them', async (t) => {
  const store = await MemoryStore.open();
  const service = makeService();
  const tasks = Array.from({ length: 3000 }, (_, slot) => makeTask(service, { slot }));
  const ac = new AbortController();
  const seen: string[] = [];
  let seenWhenOtherWorkRan = -1;
  const watching = (async () => {
    for await (const e of store.watch({ tables: ['tasks'] }, ac.signal)) seen.push(e.object.id);
  })();
  await store.update((tx) => {
    for (const task of tasks) tx.create('tasks', task);
  });
  // Work that waits for the next turn of the event loop runs before the burst is all taken in.
  setImmediate(() => (seenWhenOtherWorkRan = seen.length));
  await eventually(() => seen.length === tasks.length);
  ac.abort();
  await watching;
  t.deepEqual(
    seen,
    tasks.map((task) => task.id),
  );
  t.true(seenWhenOtherWorkRan >= 0 && seenWhenOtherWorkRan < tasks.length, String(seenWhenOtherWorkRan));
});
