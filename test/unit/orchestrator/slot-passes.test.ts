import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { CHANGES_PER_PASS, SLOTS_PER_PASS } from '../../../manager/orchestrator/orchestrator.js';
import { ReplicatedOrchestrator } from '../../../manager/orchestrator/replicated.js';
import { SlotIndex } from '../../../manager/orchestrator/slot-index.js';
import { slotsToVisit } from '../../../manager/orchestrator/slots.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { WriteTx } from '../../../manager/store/types.js';
import type { Service } from '../../../proto/types.js';
import {
  eventually,
  liveTasks,
  makeNode,
  makeService,
  makeSpec,
  makeStatus,
  makeTask,
  runLoop,
  setTaskState,
} from '../helpers.js';

const log = silentLogger();

/** What the orchestrator's writes read of the tasks: walks of a service's tasks, and tasks read one by one. */
function spyOnReads(store: MemoryStore) {
  const reads = { walks: 0, wholeServices: 0, tasks: 0, mostInOneWrite: 0 };
  const update = store.update.bind(store);
  store.update = <T>(fn: (tx: WriteTx) => T) =>
    update((tx) => {
      const before = reads.tasks;
      const result = fn(
        new Proxy(tx, {
          get(target, prop) {
            if (prop === 'tasksByService' || prop === 'scanTasks' || prop === 'all') reads.walks++;
            if (prop === 'tasksByService') reads.wholeServices++;
            const value = Reflect.get(target, prop, target) as unknown;
            if (prop !== 'get' || typeof value !== 'function') {
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return (table: string, id: string) => {
              if (table === 'tasks') reads.tasks++;
              return target.get(table as 'tasks', id);
            };
          },
        }),
      );
      reads.mostInOneWrite = Math.max(reads.mostInOneWrite, reads.tasks - before);
      return result;
    });
  return reads;
}

test('a task that stops makes a pass over its slot, not over the service', async (t) => {
  const store = await MemoryStore.open();
  const orchestrator = new ReplicatedOrchestrator(store, log);
  const service = makeService(makeSpec({ name: 'big' }, 600));
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, service.id).length === 600);
  await orchestrator.settled(store.view((tx) => tx.index));

  const reads = spyOnReads(store);
  const failed = liveTasks(store, service.id).find((x) => x.slot === 7)!;
  await setTaskState(store, failed.id, 'FAILED');
  const replacement = await eventually(() =>
    liveTasks(store, service.id).find((x) => x.slot === 7 && x.id !== failed.id),
  );
  await orchestrator.settled(store.view((tx) => tx.index));
  t.truthy(replacement);
  t.is(liveTasks(store, service.id).length, 600);
  // The cluster (history limit) is the only table read whole; the slot's tasks one by one.
  t.true(reads.walks <= 4, `${reads.walks} walks`);
  t.true(reads.tasks <= 16, `${reads.tasks} task reads`);
});

test('the tasks of a node that goes down are shut down and replaced over writes of bounded size', async (t) => {
  const store = await MemoryStore.open();
  const orchestrator = new ReplicatedOrchestrator(store, log);
  const node = makeNode();
  const replicas = 2 * CHANGES_PER_PASS;
  const service = makeService(makeSpec({ name: 'big' }, replicas));
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, service.id).length === replicas);
  await store.update((tx) => {
    for (const task of tx.tasksByService(service.id)) {
      tx.update('tasks', { ...task, nodeId: node.id, status: makeStatus('RUNNING') });
    }
  });
  await orchestrator.settled(store.view((tx) => tx.index));

  const writes = new Map<number, number>();
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of store.watch({ tables: ['tasks'] }, ac.signal)) {
      writes.set(e.index, (writes.get(e.index) ?? 0) + 1);
    }
  })();
  await store.update((tx) =>
    tx.update('nodes', { ...tx.get('nodes', node.id)!, status: { state: 'DOWN', message: '', addr: '' } }),
  );
  await eventually(
    () =>
      liveTasks(store, service.id).filter((x) => x.nodeId === '').length === replicas &&
      store.view((tx) => tx.tasksByService(service.id).filter((x) => x.desiredState === 'RUNNING').length) ===
        replicas,
  );
  // The watcher hands events on a slice a turn: it may lag the state the check above read.
  const last = store.view((tx) => tx.index);
  await eventually(() => writes.has(last));
  // Each slot's shutdown and replacement, in several writes, none much over the bound.
  t.true(writes.size >= (2 * replicas) / CHANGES_PER_PASS, `${writes.size} writes`);
  for (const n of writes.values()) t.true(n <= CHANGES_PER_PASS + 4, `a write of ${n} changes`);
});

test('a new leader reads a service of many replicas a window of slots a pass, never whole, and fills the empty slots of every window', async (t) => {
  const store = await MemoryStore.open();
  const replicas = 2 * SLOTS_PER_PASS + 5_000;
  const service = makeService(makeSpec({ name: 'wide' }, replicas));
  const node = makeNode();
  const empty = new Set([3, SLOTS_PER_PASS + 7, replicas - 1]);
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  const stored = store.view((tx) => tx.get('services', service.id)!);
  for (let from = 1; from <= replicas; from += 5_000) {
    await store.update((tx) => {
      for (let slot = from; slot < from + 5_000 && slot <= replicas; slot++) {
        if (empty.has(slot)) continue;
        tx.create('tasks', makeTask(stored, { slot, nodeId: node.id, status: makeStatus('RUNNING') }));
      }
    });
  }
  const reads = spyOnReads(store);
  const orchestrator = new ReplicatedOrchestrator(store, log);
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, service.id).length === replicas, { timeoutMs: 60_000 });
  await orchestrator.settled(store.view((tx) => tx.index));
  t.deepEqual(
    liveTasks(store, service.id)
      .filter((x) => x.nodeId === '')
      .map((x) => x.slot)
      .sort((a, b) => a - b),
    [...empty],
  );
  t.is(reads.wholeServices, 0);
  t.true(reads.mostInOneWrite <= SLOTS_PER_PASS, `${reads.mostInOneWrite} tasks read in one write`);
});

test('scaled down from many replicas, every slot above the count is shut down, a window a pass', async (t) => {
  const store = await MemoryStore.open();
  const replicas = SLOTS_PER_PASS + 2_000;
  const service = makeService(makeSpec({ name: 'shrinking' }, replicas));
  await store.update((tx) => tx.create('services', service));
  const orchestrator = new ReplicatedOrchestrator(store, log);
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, service.id).length === replicas, { timeoutMs: 60_000 });
  const reads = spyOnReads(store);
  await store.update((tx) => {
    const s = tx.get('services', service.id)!;
    tx.update('services', { ...s, spec: { ...s.spec!, replicated: { replicas: 2 } } });
  });
  await eventually(() => liveTasks(store, service.id).length === 2, { timeoutMs: 60_000 });
  t.deepEqual(
    liveTasks(store, service.id)
      .map((x) => x.slot)
      .sort(),
    [1, 2],
  );
  t.true(
    reads.mostInOneWrite <= SLOTS_PER_PASS + CHANGES_PER_PASS,
    `${reads.mostInOneWrite} tasks read in one write`,
  );
});

test('slots are visited in order: those touched below the range, then the range up to the last', (t) => {
  t.deepEqual(slotsToVisit({ from: 5, slots: new Set([9, 3, 1, 5]) }, 7), [1, 3, 5, 6, 7]);
  t.deepEqual(slotsToVisit({ from: Infinity, slots: new Set([4, 2]) }, 10), [2, 4]);
  t.deepEqual(slotsToVisit({ from: 1, slots: new Set() }, 3), [1, 2, 3]);
});

function indexed(service: Service) {
  const index = new SlotIndex();
  const tasks = [1, 1, 2, 5].map((slot) => makeTask(service, { slot }));
  index.fill(service.id, tasks.slice(0, 2));
  for (const task of tasks.slice(2)) index.add(task);
  return { index, tasks };
}

test('the slot index reads the slots asked for, as the view sees them', async (t) => {
  const store = await MemoryStore.open();
  const service = makeService(makeSpec({ name: 'web' }, 5));
  const { index, tasks } = indexed(service);
  // The last task is not in the store: read as absent.
  await store.update((tx) => tasks.slice(0, 3).forEach((task) => tx.create('tasks', task)));
  const ids = (from: number, slots: number[]) =>
    store
      .view((tx) => index.tasks(tx, service.id, from, new Set(slots)))
      .map((x) => x.id)
      .sort();
  t.deepEqual(ids(Infinity, [1]), [tasks[0]!.id, tasks[1]!.id].sort());
  t.deepEqual(
    ids(2, [1]),
    tasks
      .slice(0, 3)
      .map((x) => x.id)
      .sort(),
  );
  t.deepEqual(ids(3, []), []);
  index.remove(tasks[0]!);
  t.deepEqual(ids(Infinity, [1]), [tasks[1]!.id]);
  t.deepEqual(
    store.view((tx) => index.tasks(tx, 'another', 1, new Set())),
    [],
  );
});

test('the slot index holds a service whole only once filled, its last change taken in and no update running', (t) => {
  const index = new SlotIndex();
  const service: Service = { ...makeService(), meta: { version: 10, createdAt: 0, updatedAt: 0 } };
  // Not read whole yet: a task added is not enough to know the rest.
  index.add(makeTask(service, { slot: 1 }));
  t.false(index.current(service, 10));
  index.fill(service.id, []);
  t.true(index.current(service, 10));
  // Removed: read whole if it is ever seen again.
  index.forget(service.id);
  t.false(index.current(service, 10));
  index.fill(service.id, []);
  t.false(index.current(service, 9));
  const updating: Service = {
    ...service,
    updateStatus: {
      state: 'UPDATING',
      startedAt: 0,
      completedAt: 0,
      message: '',
      fromVersion: 0,
      toVersion: 1,
      awaitingPromotion: false,
      promoted: false,
    },
  };
  t.false(index.current(updating, 20));
  t.true(
    index.current(
      { ...updating, updateStatus: { ...updating.updateStatus!, state: 'UPDATE_COMPLETED' } },
      20,
    ),
  );
});
