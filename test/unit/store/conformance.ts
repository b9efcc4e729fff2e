/**
 * What every store backend must do, as one suite a backend's test file runs against it:
 * versions and indexes, transactions all-or-nothing, optimistic concurrency, unique ids and
 * service names, watches in order without gaps or repeats, snapshots. Indexes only have to
 * grow (etcd's revisions skip numbers); every object written by one commit carries that
 * commit's index as its version, and so do the commit's events.
 */
import type { ExecutionContext, TestFn } from 'ava';
import { FlotillaError, isFlotillaError } from '../../../lib/errors.js';
import { newId } from '../../../lib/ids.js';
import type { Network } from '../../../proto/types.js';
import type { Objects, Store, StoreEvent, Table } from '../../../manager/store/types.js';
import { TABLES } from '../../../manager/store/types.js';
import { eventually, makeNode, makeService, makeSpec, makeTask } from '../helpers.js';

export interface OpenedStore {
  store: Store;
  /** Frees what the backend needs besides the store (run after store.close()). */
  close?(): Promise<void>;
}

export interface StoreTarget {
  name: string;
  /** A store with an empty state, of its own: tests run concurrently. */
  open(t: ExecutionContext): Promise<OpenedStore>;
}

async function rejectsWith(t: ExecutionContext, p: Promise<unknown>, code: string, message?: RegExp) {
  const err = await t.throwsAsync(p);
  t.true(isFlotillaError(err) && err.code === code, `expected ${code}, got ${String(err)}`);
  if (message) t.regex(err?.message ?? '', message);
}

/** Collects a watch's events until the returned stop() is called. */
function collect(store: Store, filter: Parameters<Store['watch']>[0] = {}) {
  const ac = new AbortController();
  const seen: StoreEvent[] = [];
  const done = (async () => {
    for await (const e of store.watch(filter, ac.signal)) seen.push(e);
  })();
  return {
    seen,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

const indexOf = (store: Store) => store.view((tx) => tx.index);

export function storeConformance(test: TestFn, target: StoreTarget): void {
  const it = (title: string, fn: (t: ExecutionContext, store: Store) => Promise<void>) =>
    test(`${target.name}: ${title}`, async (t) => {
      const opened = await target.open(t);
      t.teardown(async () => {
        await opened.store.close();
        await opened.close?.();
      });
      await fn(t, opened.store);
    });

  it('create, update and delete advance the index and stamp versions', async (t, store) => {
    const start = indexOf(store);
    const node = makeNode();
    await store.update((tx) => tx.create('nodes', node));
    const v1 = store.view((tx) => tx.get('nodes', node.id));
    const i1 = indexOf(store);
    t.true(i1 > start);
    t.is(v1?.meta?.version, i1);
    t.truthy(v1?.meta?.createdAt);
    t.is(v1?.meta?.updatedAt, v1?.meta?.createdAt);

    await store.update((tx) => {
      const n = tx.get('nodes', node.id);
      if (n) tx.update('nodes', { ...n, status: { state: 'DOWN', message: 'gone', addr: '' } });
    });
    const v2 = store.view((tx) => tx.get('nodes', node.id));
    const i2 = indexOf(store);
    t.true(i2 > i1);
    t.is(v2?.meta?.version, i2);
    t.is(v2?.meta?.createdAt, v1?.meta?.createdAt);
    t.true((v2?.meta?.updatedAt ?? 0) >= (v1?.meta?.updatedAt ?? 0));
    t.is(v2?.status?.state, 'DOWN');

    await store.update((tx) => tx.delete('nodes', node.id));
    t.is(
      store.view((tx) => tx.get('nodes', node.id)),
      undefined,
    );
    t.true(indexOf(store) > i2);
  });

  it('a transaction without writes does not advance the index', async (t, store) => {
    const start = indexOf(store);
    const result = await store.update((tx) => tx.all('nodes').length);
    t.is(result, 0);
    t.is(indexOf(store), start);
  });

  it('every object of one commit gets its index as version', async (t, store) => {
    const service = makeService();
    const task = makeTask(service);
    const before = indexOf(store);
    await store.update((tx) => {
      tx.create('services', service);
      tx.create('tasks', task);
    });
    // The store's index may have moved on since (a backend may re-read a later revision),
    // but the commit's index lies between the two reads, and both objects carry it.
    const after = indexOf(store);
    const version = store.view((tx) => tx.get('services', service.id)?.meta?.version) ?? 0;
    t.true(version > before && version <= after, `version ${version} within (${before}, ${after}]`);
    t.is(
      store.view((tx) => tx.get('tasks', task.id)?.meta?.version),
      version,
    );
  });

  it('an update from a stale read fails with CONFLICT and writes nothing', async (t, store) => {
    const service = makeService();
    await store.update((tx) => tx.create('services', service));
    const stale = store.view((tx) => tx.get('services', service.id));
    if (!stale?.spec) return t.fail();
    await store.update((tx) =>
      tx.update('services', { ...stale, spec: { ...stale.spec!, labels: { a: '1' } } }),
    );
    const index = indexOf(store);
    await rejectsWith(
      t,
      store.update((tx) => tx.update('services', { ...stale, spec: { ...stale.spec!, labels: { b: '2' } } })),
      'CONFLICT',
      /changed meanwhile/,
    );
    t.is(indexOf(store), index);
    t.deepEqual(
      store.view((tx) => tx.get('services', service.id)?.spec?.labels),
      { a: '1' },
    );
  });

  it('a transaction is all or nothing: one stale change fails it whole', async (t, store) => {
    const a = makeNode();
    const b = makeNode();
    await store.update((tx) => {
      tx.create('nodes', a);
      tx.create('nodes', b);
    });
    const staleB = store.view((tx) => tx.get('nodes', b.id))!;
    await store.update((tx) => tx.update('nodes', { ...tx.get('nodes', b.id)!, role: 'MANAGER' }));
    const index = indexOf(store);
    const fresh = makeNode();
    await rejectsWith(
      t,
      store.update((tx) => {
        tx.create('nodes', fresh);
        tx.update('nodes', { ...tx.get('nodes', a.id)!, role: 'MANAGER' });
        tx.update('nodes', { ...staleB, role: 'WORKER' });
      }),
      'CONFLICT',
    );
    t.is(indexOf(store), index);
    t.is(
      store.view((tx) => tx.get('nodes', fresh.id)),
      undefined,
    );
    t.is(
      store.view((tx) => tx.get('nodes', a.id)?.role),
      'WORKER',
    );
    t.is(
      store.view((tx) => tx.get('nodes', b.id)?.role),
      'MANAGER',
    );
  });

  it('an update of an object removed meanwhile fails with NOT_FOUND', async (t, store) => {
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

  it('two writers racing on one object: one wins, the other gets CONFLICT', async (t, store) => {
    const service = makeService();
    await store.update((tx) => tx.create('services', service));
    const read = store.view((tx) => tx.get('services', service.id))!;
    const write = (label: string) =>
      store.update((tx) =>
        tx.update('services', { ...read, spec: { ...read.spec!, labels: { by: label } } }),
      );
    const [one, two] = await Promise.allSettled([write('one'), write('two')]);
    const won = [one, two].filter((r) => r.status === 'fulfilled');
    const lost = [one, two].filter((r) => r.status === 'rejected');
    t.is(won.length, 1);
    t.is(lost.length, 1);
    t.true(isFlotillaError(lost[0]?.reason, 'CONFLICT'), String(lost[0]?.reason));
    const winner = one?.status === 'fulfilled' ? 'one' : 'two';
    t.deepEqual(
      store.view((tx) => tx.get('services', service.id)?.spec?.labels),
      { by: winner },
    );
  });

  it('two writers removing one object: one removes it, the other is told it did not', async (t, store) => {
    const service = makeService();
    await store.update((tx) => tx.create('services', service));
    const remove = () =>
      store.update((tx) => {
        if (!tx.get('services', service.id)) throw new FlotillaError('NOT_FOUND', 'gone before the write');
        tx.delete('services', service.id);
      });
    const results = await Promise.allSettled([remove(), remove()]);
    const lost = results.filter((r) => r.status === 'rejected');
    t.is(lost.length, 1);
    // Refused when applied (CONFLICT), or found gone when the second write was made (NOT_FOUND).
    const reason = lost[0]?.reason as unknown;
    t.true(isFlotillaError(reason, 'CONFLICT') || isFlotillaError(reason, 'NOT_FOUND'), String(reason));
    t.is(
      store.view((tx) => tx.get('services', service.id)),
      undefined,
    );
  });

  it('duplicate ids and duplicate service names fail with ALREADY_EXISTS', async (t, store) => {
    const web = makeService(makeSpec({ name: 'web' }));
    const api = makeService(makeSpec({ name: 'api' }));
    await store.update((tx) => {
      tx.create('services', web);
      tx.create('services', api);
    });
    const index = indexOf(store);

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
    t.is(indexOf(store), index);
    t.is(
      store.view((tx) => tx.all('services').length),
      2,
    );
    t.is(
      store.view((tx) => tx.byName('services', 'web')?.id),
      web.id,
    );
    t.is(
      store.view((tx) => tx.byName('services', 'api')?.id),
      api.id,
    );
    t.is(
      store.view((tx) => tx.byName('services', 'db')),
      undefined,
    );
  });

  it('two writers racing for one service name: one wins, the other gets ALREADY_EXISTS', async (t, store) => {
    const create = () => store.update((tx) => tx.create('services', makeService(makeSpec({ name: 'web' }))));
    const results = await Promise.allSettled([create(), create()]);
    const lost = results.filter((r) => r.status === 'rejected');
    t.is(lost.length, 1);
    t.true(isFlotillaError(lost[0]?.reason, 'ALREADY_EXISTS'), String(lost[0]?.reason));
    t.is(
      store.view((tx) => tx.all('services').length),
      1,
    );
  });

  it("networks have names of their own: racing writers, one wins; a service may share a network's name", async (t, store) => {
    const network = (name: string): Network => ({
      id: newId(),
      meta: null,
      spec: { name, labels: {}, driver: 'overlay', subnet: '' },
      vni: 4300,
    });
    const create = () => store.update((tx) => tx.create('networks', network('back')));
    const results = await Promise.allSettled([create(), create()]);
    const lost = results.filter((r) => r.status === 'rejected');
    t.is(lost.length, 1);
    t.true(isFlotillaError(lost[0]?.reason, 'ALREADY_EXISTS'), String(lost[0]?.reason));
    await store.update((tx) => tx.create('services', makeService(makeSpec({ name: 'back' }))));
    const back = store.view((tx) => tx.byName('networks', 'back'))!;
    t.is(back.spec?.name, 'back');
    t.is(store.view((tx) => tx.byName('services', 'back'))?.spec?.name, 'back');
    await store.update((tx) => tx.delete('networks', back.id));
    await store.update((tx) => tx.create('networks', network('back')));
    t.not(store.view((tx) => tx.byName('networks', 'back'))?.id, back.id);
    t.is(store.snapshot().networks.length, 1);
  });

  it('a name freed in a transaction can be taken in the same transaction', async (t, store) => {
    const a = makeService(makeSpec({ name: 'a' }));
    const b = makeService(makeSpec({ name: 'b' }));
    await store.update((tx) => {
      tx.create('services', a);
      tx.create('services', b);
    });
    // Swap the names of a and b.
    await store.update((tx) => {
      tx.update('services', { ...tx.get('services', a.id)!, spec: makeSpec({ name: 'b' }) });
      tx.update('services', { ...tx.get('services', b.id)!, spec: makeSpec({ name: 'a' }) });
    });
    t.is(
      store.view((tx) => tx.byName('services', 'a')?.id),
      b.id,
    );
    t.is(
      store.view((tx) => tx.byName('services', 'b')?.id),
      a.id,
    );
    // Remove one and create another under its name.
    const c = makeService(makeSpec({ name: 'a' }));
    await store.update((tx) => {
      tx.delete('services', b.id);
      tx.create('services', c);
    });
    t.is(
      store.view((tx) => tx.byName('services', 'a')?.id),
      c.id,
    );
    // A removed service's name is free again.
    await store.update((tx) => tx.delete('services', a.id));
    const d = makeService(makeSpec({ name: 'b' }));
    await store.update((tx) => tx.create('services', d));
    t.deepEqual(
      store.view((tx) =>
        tx
          .all('services')
          .map((s) => s.spec?.name)
          .sort(),
      ),
      ['a', 'b'],
    );
  });

  it('a transaction that throws writes nothing and rejects with its error', async (t, store) => {
    const watch = collect(store);
    const start = indexOf(store);
    await t.throwsAsync(
      store.update((tx) => {
        tx.create('nodes', makeNode());
        tx.create('services', makeService());
        throw new Error('changed my mind');
      }),
      { message: 'changed my mind' },
    );
    t.is(indexOf(store), start);
    t.is(
      store.view((tx) => tx.all('nodes').length + tx.all('services').length),
      0,
    );
    // A later write is the first event the watch sees.
    const marker = makeNode();
    await store.update((tx) => tx.create('nodes', marker));
    await eventually(() => watch.seen.length >= 1);
    await watch.stop();
    t.deepEqual(
      watch.seen.map((e) => e.object.id),
      [marker.id],
    );
  });

  it('reads in a transaction see its own writes', async (t, store) => {
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
      tx.update('tasks', { ...tx.get('tasks', stored.id)!, nodeId: n2.id });
      t.deepEqual(tx.tasksByNode(n1.id), []);
      t.is(tx.tasksByNode(n2.id).length, 2);
      tx.delete('tasks', added.id);
      t.is(tx.get('tasks', added.id), undefined);
      t.deepEqual(
        tx.tasksByNode(n2.id).map((x) => x.id),
        [stored.id],
      );
      tx.delete('nodes', n1.id);
      t.deepEqual(
        tx.all('nodes').map((n) => n.id),
        [n2.id],
      );
      tx.update('services', { ...tx.get('services', service.id)!, spec: makeSpec({ name: 'renamed' }) });
      t.is(tx.byName('services', 'renamed')?.id, service.id);
      t.is(tx.byName('services', 'web'), undefined);
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
      store.view((tx) => tx.byName('services', 'renamed')?.id),
      service.id,
    );
    t.is(
      store.view((tx) => tx.byName('services', 'web')),
      undefined,
    );
  });

  it('create then delete in one transaction writes nothing', async (t, store) => {
    const start = indexOf(store);
    const node = makeNode();
    await store.update((tx) => {
      tx.create('nodes', node);
      tx.delete('nodes', node.id);
    });
    t.is(indexOf(store), start);
    t.is(
      store.view((tx) => tx.get('nodes', node.id)),
      undefined,
    );
  });

  it('delete then re-create in one transaction is one update of the stored object', async (t, store) => {
    const node = makeNode();
    await store.update((tx) => tx.create('nodes', node));
    const created = store.view((tx) => tx.get('nodes', node.id));
    const watch = collect(store);
    await store.update((tx) => {
      tx.delete('nodes', node.id);
      tx.create('nodes', { ...node, role: 'MANAGER' });
    });
    await eventually(() => watch.seen.length >= 1);
    await watch.stop();
    t.deepEqual(
      watch.seen.map((e) => e.kind),
      ['update'],
    );
    const now = store.view((tx) => tx.get('nodes', node.id));
    t.is(now?.role, 'MANAGER');
    t.is(now?.meta?.createdAt, created?.meta?.createdAt);
  });

  it('indexes follow updates and deletes', async (t, store) => {
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
    await store.update((tx) =>
      tx.update('services', { ...tx.get('services', s2.id)!, spec: makeSpec({ name: 's3' }) }),
    );
    t.is(
      store.view((tx) => tx.byName('services', 's2')),
      undefined,
    );
    t.is(
      store.view((tx) => tx.byName('services', 's3')?.id),
      s2.id,
    );
  });

  it('watch delivers the events after registration, in order, with their indexes', async (t, store) => {
    const before = makeNode();
    await store.update((tx) => tx.create('nodes', before));
    const watch = collect(store);
    const service = makeService();
    const task = makeTask(service);
    await store.update((tx) => {
      tx.create('services', service);
      tx.create('tasks', task);
    });
    const i1 = indexOf(store);
    await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', task.id)!, nodeId: before.id }));
    const i2 = indexOf(store);
    await store.update((tx) => tx.delete('nodes', before.id));
    const i3 = indexOf(store);
    await eventually(() => watch.seen.length >= 4);
    await watch.stop();
    t.deepEqual(
      watch.seen.map((e) => [e.kind, e.table, e.object.id, e.index]),
      [
        ['create', 'services', service.id, i1],
        ['create', 'tasks', task.id, i1],
        ['update', 'tasks', task.id, i2],
        ['delete', 'nodes', before.id, i3],
      ],
    );
    const moved = watch.seen[2];
    t.is(moved?.table === 'tasks' ? moved.old?.nodeId : undefined, '');
    t.is(moved?.table === 'tasks' ? moved.object.nodeId : undefined, before.id);
  });

  it('watch filters by table and kind', async (t, store) => {
    const tasksOnly = collect(store, { tables: ['tasks'] });
    const deletesOnly = collect(store, { kinds: ['delete'] });
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
    await eventually(() => tasksOnly.seen.length >= 5 && deletesOnly.seen.length >= 3);
    await Promise.all([tasksOnly.stop(), deletesOnly.stop()]);
    const show = (e: StoreEvent) => `${e.kind} ${e.table}`;
    t.deepEqual(tasksOnly.seen.map(show), [
      'create tasks',
      'update tasks',
      'delete tasks',
      'create tasks',
      'delete tasks',
    ]);
    t.deepEqual(deletesOnly.seen.slice(0, 2).map(show).sort(), ['delete nodes', 'delete tasks']);
    t.deepEqual(deletesOnly.seen.slice(2).map(show), ['delete tasks']);
  });

  it('a view then a watch see every change exactly once, under concurrent writers', async (t, store) => {
    const nodes = Array.from({ length: 4 }, () => makeNode());
    await store.update((tx) => nodes.forEach((n) => tx.create('nodes', n)));
    // Writers keep flipping node roles (retrying their conflicts) while the view is taken;
    // each yields to timers between writes, as a store in memory would never make them wait.
    let stop = false;
    const writers = nodes.map(async (n) => {
      for (let i = 0; !stop; i++) {
        await new Promise((r) => setImmediate(r));
        await store
          .update((tx) =>
            tx.update('nodes', { ...tx.get('nodes', n.id)!, role: i % 2 ? 'WORKER' : 'MANAGER' }),
          )
          .catch((err) => {
            if (!isFlotillaError(err, 'CONFLICT')) throw err;
          });
      }
    });
    await new Promise((r) => setTimeout(r, 50));
    const ac = new AbortController();
    const mirror = store.view((tx) => ({
      index: tx.index,
      nodes: new Map(tx.all('nodes').map((n) => [n.id, n])),
    }));
    const events = store.watch({}, ac.signal);
    const extra = makeNode();
    await new Promise((r) => setTimeout(r, 50));
    await store.update((tx) => tx.create('nodes', extra));
    stop = true;
    await Promise.all(writers);
    const final = store.view((tx) => ({ index: tx.index, nodes: tx.all('nodes') }));
    let last = mirror.index + 1;
    for await (const e of events) {
      t.true(e.index >= last, `event at ${e.index} after ${last}`);
      last = e.index;
      if (e.table !== 'nodes') continue;
      const had = mirror.nodes.get(e.object.id);
      if (e.kind === 'create') t.is(had, undefined);
      else t.is(had?.meta?.version, e.old?.meta?.version ?? e.object.meta?.version);
      if (e.kind === 'delete') mirror.nodes.delete(e.object.id);
      else mirror.nodes.set(e.object.id, e.object);
      if (e.index >= final.index) break;
    }
    ac.abort();
    t.deepEqual(
      [...mirror.nodes.values()].map((n) => [n.id, n.meta?.version, n.role]).sort(),
      final.nodes.map((n) => [n.id, n.meta?.version, n.role]).sort(),
    );
  });

  it('watch ends when its signal aborts, also when already aborted', async (t, store) => {
    const ac = new AbortController();
    const iterator = store.watch({}, ac.signal)[Symbol.asyncIterator]();
    const next = iterator.next();
    ac.abort();
    t.true((await next).done);
    let count = 0;
    for await (const _e of store.watch({}, AbortSignal.abort())) count++;
    await store.update((tx) => tx.create('nodes', makeNode()));
    t.is(count, 0);
  });

  it('watch ends when the store closes', async (t, store) => {
    const iterator = store.watch({}, new AbortController().signal)[Symbol.asyncIterator]();
    const next = iterator.next();
    await store.close();
    t.true((await next).done);
  });

  it('snapshot holds every object at the current index', async (t, store) => {
    const node = makeNode();
    const service = makeService();
    const task = makeTask(service, { nodeId: node.id });
    await store.update((tx) => {
      tx.create('nodes', node);
      tx.create('services', service);
      tx.create('tasks', task);
    });
    const gone = makeNode();
    await store.update((tx) => tx.create('nodes', gone));
    await store.update((tx) => tx.delete('nodes', gone.id));
    const snap = store.snapshot();
    t.is(snap.index, indexOf(store));
    const ids = (table: Table) => snap[table].map((o: Objects[Table]) => o.id).sort();
    t.deepEqual(ids('nodes'), [node.id]);
    t.deepEqual(ids('services'), [service.id]);
    t.deepEqual(ids('tasks'), [task.id]);
    t.deepEqual(ids('clusters'), []);
    for (const table of TABLES) {
      for (const o of snap[table]) {
        t.is(
          o.meta?.version,
          store.view((tx) => tx.get(table, o.id)?.meta?.version),
        );
      }
    }
    t.is(snap.tasks[0]?.nodeId, node.id);
  });

  it('stored objects are frozen, deeply, and not shared with the writer', async (t, store) => {
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
    t.false(Object.isFrozen(service));
    service.specVersion = 42;
    t.is(
      store.view((tx) => tx.get('services', service.id)?.specVersion),
      1,
    );
  });
}
