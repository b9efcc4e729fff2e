/** The ordered id sets behind paged listings, and the store's scans through them. */
import test from 'ava';
import { newId } from '../../../lib/ids.js';
import { SortedIds } from '../../../manager/store/sorted-ids.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { makeService, makeStatus, makeTask } from '../helpers.js';

const sorted = (ids: Iterable<string>) => [...ids].sort();

test('ids come out in order whatever order they went in, through many chunks and deletes', (t) => {
  const set = new SortedIds();
  const ids = Array.from({ length: 5_000 }, () => newId());
  for (const id of ids) set.add(id);
  set.add(ids[0]!);
  t.is(set.size, 5_000);
  t.deepEqual([...set], sorted(ids));
  const kept = ids.filter((_, i) => i % 3 !== 0);
  for (const [i, id] of ids.entries()) if (i % 3 === 0) t.true(set.delete(id));
  t.false(set.delete(ids[0]!));
  t.is(set.size, kept.length);
  t.deepEqual([...set], sorted(kept));
  t.true(set.has(kept[0]!));
  t.false(set.has(ids[0]!));
  t.deepEqual([...SortedIds.from(kept)], sorted(kept));
});

test('after(x) starts at the first id above x, whether x is in the set or not', (t) => {
  const set = SortedIds.from(['b', 'd', 'f']);
  t.deepEqual([...set.after('')], ['b', 'd', 'f']);
  t.deepEqual([...set.after('a')], ['b', 'd', 'f']);
  t.deepEqual([...set.after('b')], ['d', 'f']);
  t.deepEqual([...set.after('c')], ['d', 'f']);
  t.deepEqual([...set.after('f')], []);
  t.deepEqual([...new SortedIds().after('x')], []);
});

test('scan and scanTasks: in id order, in views and in transactions with their own writes', async (t) => {
  const store = await MemoryStore.open();
  const web = makeService();
  const tasks = Array.from({ length: 50 }, (_, i) => makeTask(web, { slot: i, nodeId: i % 2 ? 'n1' : 'n2' }));
  await store.update((tx) => {
    tx.create('services', web);
    for (const task of tasks) tx.create('tasks', task);
  });
  const ids = sorted(tasks.map((x) => x.id));
  t.deepEqual(
    store.view((tx) => [...tx.scan('tasks')].map((x) => x.id)),
    ids,
  );
  t.deepEqual(
    store.view((tx) => [...tx.scan('tasks', ids[9])].map((x) => x.id)),
    ids.slice(10),
  );
  const onN1 = sorted(tasks.filter((x) => x.nodeId === 'n1').map((x) => x.id));
  t.deepEqual(
    store.view((tx) => [...tx.scanTasks('nodeId', 'n1', onN1[4])].map((x) => x.id)),
    onN1.slice(5),
  );
  await store.update((tx) => {
    const added = makeTask(web, { nodeId: 'n1' });
    const moved = tasks.find((x) => x.nodeId === 'n2')!;
    tx.create('tasks', added);
    tx.delete('tasks', onN1[0]!);
    tx.update('tasks', { ...tx.get('tasks', moved.id)!, nodeId: 'n1' });
    t.deepEqual(
      [...tx.scanTasks('nodeId', 'n1')].map((x) => x.id),
      sorted([...onN1.slice(1), added.id, moved.id]),
    );
    t.deepEqual(
      [...tx.scan('tasks')].map((x) => x.id),
      sorted([...ids.filter((id) => id !== onN1[0]), added.id]),
    );
    t.is([...tx.scan('tasks')].find((x) => x.id === moved.id)?.nodeId, 'n1');
  });
});

test('runningTasks: a count per service that follows creates, updates and deletes, in transactions too', async (t) => {
  const store = await MemoryStore.open();
  const web = makeService();
  const running = Array.from({ length: 4 }, () => makeTask(web, { status: makeStatus('RUNNING') }));
  await store.update((tx) => {
    tx.create('services', web);
    for (const task of running) tx.create('tasks', task);
    tx.create('tasks', makeTask(web));
    t.is(tx.runningTasks(web.id), 4);
  });
  t.is(
    store.view((tx) => tx.runningTasks(web.id)),
    4,
  );
  await store.update((tx) => {
    tx.update('tasks', { ...tx.get('tasks', running[0]!.id)!, desiredState: 'SHUTDOWN' });
    tx.delete('tasks', running[1]!.id);
    t.is(tx.runningTasks(web.id), 2);
  });
  t.is(
    store.view((tx) => tx.runningTasks(web.id)),
    2,
  );
  t.is(
    store.view((tx) => tx.runningTasks('another')),
    0,
  );
});
