import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { StoreEvent } from '../../../manager/store/types.js';
import { eventually, makeNode, makeService, makeSpec, makeTask } from '../helpers.js';

const code = (c: string) => ({ is: (err: unknown) => isFlotillaError(err) && err.code === c });

async function rejectsWith(
  t: import('ava').ExecutionContext,
  p: Promise<unknown>,
  c: string,
  message?: RegExp,
) {
  const err = await t.throwsAsync(p);
  t.true(code(c).is(err), `expected ${c}, got ${String(err)}`);
  if (message) t.regex(err?.message ?? '', message);
}

test('create, update and delete bump the index and stamp versions', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  const v1 = store.view((tx) => tx.get('nodes', node.id));
  t.is(
    store.view((tx) => tx.index),
    1,
  );
  t.is(v1?.meta?.version, 1);
  t.truthy(v1?.meta?.createdAt);

  await store.update((tx) => {
    const n = tx.get('nodes', node.id);
    if (n) tx.update('nodes', { ...n, status: { state: 'DOWN', message: 'gone', addr: '' } });
  });
  const v2 = store.view((tx) => tx.get('nodes', node.id));
  t.is(v2?.meta?.version, 2);
  t.is(v2?.meta?.createdAt, v1?.meta?.createdAt);
  t.is(v2?.status?.state, 'DOWN');

  await store.update((tx) => tx.delete('nodes', node.id));
  t.is(
    store.view((tx) => tx.get('nodes', node.id)),
    undefined,
  );
  t.is(
    store.view((tx) => tx.index),
    3,
  );
});

test('a transaction without writes does not advance the index', async (t) => {
  const store = await MemoryStore.open();
  const result = await store.update((tx) => tx.all('nodes').length);
  t.is(result, 0);
  t.is(
    store.view((tx) => tx.index),
    0,
  );
});

test('an update from a stale read fails with CONFLICT and writes nothing', async (t) => {
  const store = await MemoryStore.open();
  const service = makeService();
  await store.update((tx) => tx.create('services', service));
  const stale = store.view((tx) => tx.get('services', service.id));
  if (!stale?.spec) return t.fail();
  await store.update((tx) =>
    tx.update('services', { ...stale, spec: { ...stale.spec!, labels: { a: '1' } } }),
  );
  const index = store.view((tx) => tx.index);
  await rejectsWith(
    t,
    store.update((tx) => tx.update('services', { ...stale, spec: { ...stale.spec!, labels: { b: '2' } } })),
    'CONFLICT',
    /changed meanwhile/,
  );
  t.is(
    store.view((tx) => tx.index),
    index,
  );
  t.deepEqual(
    store.view((tx) => tx.get('services', service.id)?.spec?.labels),
    { a: '1' },
  );
});

test('an update of an object removed meanwhile fails with NOT_FOUND', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  const read = store.view((tx) => tx.get('nodes', node.id));
  await store.update((tx) => tx.delete('nodes', node.id));
  await rejectsWith(
    t,
    store.update((tx) => tx.update('nodes', read!)),
    'NOT_FOUND',
  );
});

test('duplicate ids and duplicate service names fail with ALREADY_EXISTS', async (t) => {
  const store = await MemoryStore.open();
  const web = makeService(makeSpec({ name: 'web' }));
  const api = makeService(makeSpec({ name: 'api' }));
  await store.update((tx) => {
    tx.create('services', web);
    tx.create('services', api);
  });
  const index = store.view((tx) => tx.index);

  await rejectsWith(
    t,
    store.update((tx) => tx.create('services', { ...web, spec: makeSpec({ name: 'other' }) })),
    'ALREADY_EXISTS',
  );
  await rejectsWith(
    t,
    store.update((tx) => tx.create('services', makeService(makeSpec({ name: 'web' })))),
    'ALREADY_EXISTS',
    /"web"/,
  );
  // Renaming into a taken name.
  await rejectsWith(
    t,
    store.update((tx) => {
      const cur = tx.get('services', api.id)!;
      tx.update('services', { ...cur, spec: makeSpec({ name: 'web' }) });
    }),
    'ALREADY_EXISTS',
  );
  // Two new services with the same name in one transaction.
  await rejectsWith(
    t,
    store.update((tx) => {
      tx.create('services', makeService(makeSpec({ name: 'db' })));
      tx.create('services', makeService(makeSpec({ name: 'db' })));
    }),
    'ALREADY_EXISTS',
  );
  t.is(
    store.view((tx) => tx.index),
    index,
  );
  t.is(
    store.view((tx) => tx.all('services').length),
    2,
  );
  t.is(
    store.view((tx) => tx.serviceByName('web')?.id),
    web.id,
  );
  t.is(
    store.view((tx) => tx.serviceByName('api')?.id),
    api.id,
  );
  t.is(
    store.view((tx) => tx.serviceByName('db')),
    undefined,
  );
});

test('a name freed in a transaction can be taken in the same transaction', async (t) => {
  const store = await MemoryStore.open();
  const a = makeService(makeSpec({ name: 'a' }));
  const b = makeService(makeSpec({ name: 'b' }));
  await store.update((tx) => {
    tx.create('services', a);
    tx.create('services', b);
  });
  // Swap the names of a and b.
  await store.update((tx) => {
    const ca = tx.get('services', a.id)!;
    const cb = tx.get('services', b.id)!;
    tx.update('services', { ...ca, spec: makeSpec({ name: 'b' }) });
    tx.update('services', { ...cb, spec: makeSpec({ name: 'a' }) });
  });
  t.is(
    store.view((tx) => tx.serviceByName('a')?.id),
    b.id,
  );
  t.is(
    store.view((tx) => tx.serviceByName('b')?.id),
    a.id,
  );
  // Remove one and create another under its name.
  const c = makeService(makeSpec({ name: 'a' }));
  await store.update((tx) => {
    tx.delete('services', b.id);
    tx.create('services', c);
  });
  t.is(
    store.view((tx) => tx.serviceByName('a')?.id),
    c.id,
  );
  t.is(
    store.view((tx) => tx.serviceByName('b')?.id),
    a.id,
  );
  t.is(
    store.view((tx) => tx.all('services').length),
    2,
  );
});

test('a transaction that throws writes nothing and rejects with its error', async (t) => {
  const store = await MemoryStore.open();
  const seen: StoreEvent[] = [];
  const ac = new AbortController();
  const watching = (async () => {
    for await (const e of store.watch({}, ac.signal)) seen.push(e);
  })();
  await t.throwsAsync(
    store.update((tx) => {
      tx.create('nodes', makeNode());
      tx.create('services', makeService());
      throw new Error('changed my mind');
    }),
    { message: 'changed my mind' },
  );
  t.is(
    store.view((tx) => tx.index),
    0,
  );
  t.is(
    store.view((tx) => tx.all('nodes').length + tx.all('services').length),
    0,
  );
  ac.abort();
  await watching;
  t.deepEqual(seen, []);
});

test('reads in a transaction see its own writes', async (t) => {
  const store = await MemoryStore.open();
  const service = makeService();
  const n1 = makeNode();
  const n2 = makeNode();
  const stored = makeTask(service, { slot: 1, nodeId: n1.id });
  await store.update((tx) => {
    tx.create('nodes', n1);
    tx.create('nodes', n2);
    tx.create('services', service);
    tx.create('tasks', stored);
  });
  await store.update((tx) => {
    const added = makeTask(service, { slot: 2, nodeId: n2.id });
    tx.create('tasks', added);
    t.is(tx.get('tasks', added.id)?.slot, 2);
    t.is(tx.all('tasks').length, 2);
    t.deepEqual(
      tx
        .tasksByService(service.id)
        .map((x) => x.slot)
        .sort(),
      [1, 2],
    );
    t.deepEqual(
      tx.tasksByNode(n2.id).map((x) => x.id),
      [added.id],
    );

    // Move the stored task from n1 to n2.
    const cur = tx.get('tasks', stored.id)!;
    tx.update('tasks', { ...cur, nodeId: n2.id });
    t.deepEqual(tx.tasksByNode(n1.id), []);
    t.deepEqual(
      tx
        .tasksByNode(n2.id)
        .map((x) => x.id)
        .sort(),
      [added.id, stored.id].sort(),
    );
    t.is(tx.tasksByService(service.id).length, 2);

    tx.delete('tasks', added.id);
    t.is(tx.get('tasks', added.id), undefined);
    t.is(tx.all('tasks').length, 1);
    t.deepEqual(
      tx.tasksByNode(n2.id).map((x) => x.id),
      [stored.id],
    );

    tx.delete('nodes', n1.id);
    t.is(tx.get('nodes', n1.id), undefined);
    t.deepEqual(
      tx.all('nodes').map((n) => n.id),
      [n2.id],
    );

    const renamed = { ...tx.get('services', service.id)!, spec: makeSpec({ name: 'renamed' }) };
    tx.update('services', renamed);
    t.is(tx.serviceByName('renamed')?.id, service.id);
    t.is(tx.serviceByName('web'), undefined);
  });
  // The state after the commit matches what the transaction saw.
  t.deepEqual(
    store.view((tx) => tx.tasksByNode(n2.id).map((x) => x.id)),
    [stored.id],
  );
  t.deepEqual(
    store.view((tx) => tx.tasksByNode(n1.id)),
    [],
  );
  t.is(
    store.view((tx) => tx.get('nodes', n1.id)),
    undefined,
  );
  t.is(
    store.view((tx) => tx.serviceByName('renamed')?.id),
    service.id,
  );
  t.is(
    store.view((tx) => tx.serviceByName('web')),
    undefined,
  );
});

test('create then delete in one transaction writes nothing', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.delete('nodes', node.id);
  });
  t.is(
    store.view((tx) => tx.index),
    0,
  );
  t.is(
    store.view((tx) => tx.get('nodes', node.id)),
    undefined,
  );
});

test('delete then re-create in one transaction is one update of the stored object', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  const ac = new AbortController();
  const events = store.watch({}, ac.signal)[Symbol.asyncIterator]();
  await store.update((tx) => {
    tx.delete('nodes', node.id);
    tx.create('nodes', { ...node, role: 'MANAGER' });
  });
  const e = (await events.next()).value as StoreEvent;
  t.is(e.kind, 'update');
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.role),
    'MANAGER',
  );
  ac.abort();
});

test('indexes follow updates and deletes', async (t) => {
  const store = await MemoryStore.open();
  const s1 = makeService(makeSpec({ name: 's1' }));
  const s2 = makeService(makeSpec({ name: 's2' }));
  const task = makeTask(s1, { nodeId: 'node-a' });
  await store.update((tx) => {
    tx.create('services', s1);
    tx.create('services', s2);
    tx.create('tasks', task);
  });
  t.deepEqual(
    store.view((tx) => tx.tasksByNode('node-a').map((x) => x.id)),
    [task.id],
  );
  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', task.id)!, nodeId: 'node-b' }));
  t.deepEqual(
    store.view((tx) => tx.tasksByNode('node-a')),
    [],
  );
  t.deepEqual(
    store.view((tx) => tx.tasksByNode('node-b').map((x) => x.id)),
    [task.id],
  );
  t.deepEqual(
    store.view((tx) => tx.tasksByService(s1.id).map((x) => x.nodeId)),
    ['node-b'],
  );
  await store.update((tx) => tx.delete('tasks', task.id));
  t.deepEqual(
    store.view((tx) => tx.tasksByNode('node-b')),
    [],
  );
  t.deepEqual(
    store.view((tx) => tx.tasksByService(s1.id)),
    [],
  );
  // A renamed service is found by its new name only.
  await store.update((tx) =>
    tx.update('services', { ...tx.get('services', s2.id)!, spec: makeSpec({ name: 's3' }) }),
  );
  t.is(
    store.view((tx) => tx.serviceByName('s2')),
    undefined,
  );
  t.is(
    store.view((tx) => tx.serviceByName('s3')?.id),
    s2.id,
  );
});

test('watch delivers the events after registration, in order, with their indexes', async (t) => {
  const store = await MemoryStore.open();
  const before = makeNode();
  await store.update((tx) => tx.create('nodes', before));
  const ac = new AbortController();
  const seen: StoreEvent[] = [];
  const watching = (async () => {
    for await (const e of store.watch({}, ac.signal)) seen.push(e);
  })();
  const service = makeService();
  const task = makeTask(service);
  await store.update((tx) => {
    tx.create('services', service);
    tx.create('tasks', task);
  });
  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', task.id)!, nodeId: before.id }));
  await store.update((tx) => tx.delete('nodes', before.id));
  // Events are delivered asynchronously; abort only after they have arrived.
  await eventually(() => seen.length >= 4);
  ac.abort();
  await watching;
  t.deepEqual(
    seen.map((e) => [e.kind, e.table, e.object.id, e.index]),
    [
      ['create', 'services', service.id, 2],
      ['create', 'tasks', task.id, 2],
      ['update', 'tasks', task.id, 3],
      ['delete', 'nodes', before.id, 4],
    ],
  );
  const moved = seen[2];
  t.is(moved?.table === 'tasks' ? moved.old?.nodeId : undefined, '');
  t.is(moved?.table === 'tasks' ? moved.object.nodeId : undefined, before.id);
});

test('watch filters by table and kind', async (t) => {
  const store = await MemoryStore.open();
  const ac = new AbortController();
  const tasksOnly = store.watch({ tables: ['tasks'] }, ac.signal);
  const deletesOnly = store.watch({ kinds: ['delete'] }, ac.signal);
  const a: string[] = [];
  const b: string[] = [];
  const collect = async (it: AsyncIterable<StoreEvent>, out: string[]) => {
    for await (const e of it) out.push(`${e.kind} ${e.table}`);
  };
  const done = Promise.all([collect(tasksOnly, a), collect(deletesOnly, b)]);
  const node = makeNode();
  const service = makeService();
  const task = makeTask(service);
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
    tx.create('tasks', task);
  });
  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', task.id)!, slot: 2 }));
  await store.update((tx) => {
    tx.delete('tasks', task.id);
    tx.delete('nodes', node.id);
  });
  // A marker that passes both filters, written last: once it arrives, all before it has.
  const marker = makeTask(service);
  await store.update((tx) => tx.create('tasks', marker));
  await store.update((tx) => tx.delete('tasks', marker.id));
  await eventually(() => a.length >= 5 && b.length >= 3);
  ac.abort();
  await done;
  t.deepEqual(a, ['create tasks', 'update tasks', 'delete tasks', 'create tasks', 'delete tasks']);
  t.deepEqual(b.slice(0, 2).sort(), ['delete nodes', 'delete tasks']);
  t.deepEqual(b.slice(2), ['delete tasks']);
});

test('watch ends when its signal aborts, also when already aborted', async (t) => {
  const store = await MemoryStore.open();
  const ac = new AbortController();
  const it = store.watch({}, ac.signal)[Symbol.asyncIterator]();
  const next = it.next();
  ac.abort();
  t.true((await next).done);
  const aborted = AbortSignal.abort();
  let count = 0;
  for await (const _e of store.watch({}, aborted)) count++;
  await store.update((tx) => tx.create('nodes', makeNode()));
  t.is(count, 0);
});

test('watch ends when the store closes', async (t) => {
  const store = await MemoryStore.open();
  const it = store.watch({}, new AbortController().signal)[Symbol.asyncIterator]();
  const next = it.next();
  await store.close();
  t.true((await next).done);
});

test('stored objects are frozen, deeply', async (t) => {
  const store = await MemoryStore.open();
  const service = makeService();
  await store.update((tx) => tx.create('services', service));
  const s = store.view((tx) => tx.get('services', service.id))!;
  t.throws(() => {
    (s as { specVersion: number }).specVersion = 9;
  });
  t.throws(() => {
    s.spec!.task!.container!.args.push('x');
  });
  t.throws(() => {
    (s.meta as { version: number }).version = 0;
  });
  // What the writer passed in was copied, not frozen or kept.
  t.false(Object.isFrozen(service));
  service.specVersion = 42;
  t.is(
    store.view((tx) => tx.get('services', service.id)?.specVersion),
    1,
  );
});
