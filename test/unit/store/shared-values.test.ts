/**
 * How the store keeps objects: the tasks of one service version share one frozen spec (and
 * endpoint), yet every task reads as it was written, and nothing a writer does afterwards
 * changes what is stored.
 */
import test from 'ava';
import { codec } from '../../../proto/load.js';
import type { StoreSnapshot, Task } from '../../../proto/types.js';
import { frozenCopy, sameValue } from '../../../manager/store/frozen-copy.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { StoreState, type Change } from '../../../manager/store/state.js';
import { decodeWrite, encodeWrite } from '../../../manager/store/write-codec.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

const endpoint: NonNullable<Task['endpoint']> = {
  ports: [{ targetPort: 80, publishedPort: 30080, protocol: 'TCP', mode: 'INGRESS' }],
};

async function storeWithTasks(count: number) {
  const store = await MemoryStore.open();
  const node = makeNode();
  const service = makeService(makeSpec({ name: 'web' }, count));
  // Each task carries a spec and an endpoint of its own, as the orchestrator makes them.
  const tasks = Array.from({ length: count }, (_, i) =>
    makeTask(service, { slot: i + 1, nodeId: node.id, endpoint: structuredClone(endpoint) }),
  );
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
    for (const task of tasks) tx.create('tasks', task);
  });
  const read = (id: string) => store.view((tx) => tx.get('tasks', id)!);
  return { store, service, node, tasks, read };
}

test('the tasks of one service version share one frozen spec and endpoint, and read as written', async (t) => {
  const { tasks, read } = await storeWithTasks(3);
  const stored = tasks.map((task) => read(task.id));
  t.is(stored[1]!.spec, stored[0]!.spec);
  t.is(stored[2]!.spec, stored[0]!.spec);
  t.is(stored[1]!.endpoint, stored[0]!.endpoint);
  t.not(stored[0]!.spec, tasks[0]!.spec, 'the store keeps its own copy, not the writer’s object');
  t.true(Object.isFrozen(stored[0]!.spec));
  t.true(Object.isFrozen(stored[0]!.spec!.container!.args));
  for (const [i, task] of tasks.entries()) {
    t.deepEqual({ ...stored[i]!, meta: null }, { ...task, meta: null });
    t.is(stored[i]!.meta!.version, 1);
    t.deepEqual(Object.keys(stored[i]!), Object.keys(task), 'the fields come in the order written');
  }
});

test('an update of one task changes that task only; a status update keeps the shared spec', async (t) => {
  const { store, tasks, read } = await storeWithTasks(3);
  const [a, b, c] = tasks.map((task) => read(task.id)) as [Task, Task, Task];
  const shared = a.spec;
  // A spec that differs under the same service version: its task keeps a copy of its own.
  const otherSpec = { ...a.spec!, container: { ...a.spec!.container!, image: 'other' } };
  await store.update((tx) => {
    tx.update('tasks', { ...a, spec: otherSpec });
    tx.update('tasks', { ...b, status: makeStatus('RUNNING') });
  });
  const [a2, b2, c2] = [read(a.id), read(b.id), read(c.id)];
  t.is(a2.spec!.container!.image, 'other');
  t.is(b2.spec!.container!.image, 'host');
  t.is(c2.spec!.container!.image, 'host');
  t.is(b2.spec, shared);
  t.is(c2.spec, shared);
  t.is(c2, c, 'the task nobody wrote is the same object');
  t.is(b2.status!.state, 'RUNNING');
  t.is(c2.status!.state, 'PENDING');
});

test('once the last task of a version is gone, a new spec under its key is the one shared', async (t) => {
  const { store, service, tasks, read } = await storeWithTasks(2);
  await store.update((tx) => {
    for (const task of tasks) tx.delete('tasks', task.id);
  });
  const spec = { ...service.spec!.task!, forceUpdate: 7 };
  const next = [makeTask(service, { spec }), makeTask(service, { spec: structuredClone(spec) })];
  await store.update((tx) => {
    for (const task of next) tx.create('tasks', task);
  });
  t.is(read(next[0]!.id).spec, read(next[1]!.id).spec);
  t.is(read(next[0]!.id).spec!.forceUpdate, 7);
});

test('a writer changing its object after the write does not change what is stored', async (t) => {
  const { store, tasks, read } = await storeWithTasks(2);
  tasks[0]!.spec!.container!.args.push('changed');
  (tasks[1] as { serviceName: string }).serviceName = 'changed';
  t.deepEqual(read(tasks[0]!.id).spec!.container!.args, ['sleep', '1000']);
  t.is(read(tasks[1]!.id).serviceName, 'web');
  const stored = read(tasks[0]!.id);
  t.throws(() => {
    (stored.spec!.container!.args as string[]).push('x');
  });
  await store.close();
});

test('tasks decoded from log entries and from a snapshot share their specs too', (t) => {
  const state = new StoreState();
  const node = makeNode();
  const service = makeService();
  const tasks = [makeTask(service, { nodeId: node.id }), makeTask(service, { nodeId: node.id })];
  const changes: Change[] = [
    { kind: 'create', table: 'nodes', object: node, expectedVersion: 0 },
    { kind: 'create', table: 'services', object: service, expectedVersion: 0 },
    ...tasks.map((object) => ({ kind: 'create', table: 'tasks', object, expectedVersion: 0 }) as Change),
  ];
  const write = decodeWrite(encodeWrite(changes, 1000));
  state.apply(write.changes, 1, write.nowMs);
  t.is(state.get('tasks', tasks[0]!.id)!.spec, state.get('tasks', tasks[1]!.id)!.spec);

  const snapshots = codec<StoreSnapshot>('flotilla.StoreSnapshot');
  const restored = new StoreState();
  restored.restore(snapshots.decode(snapshots.encode(state.snapshot() as unknown as StoreSnapshot)));
  const [a, b] = tasks.map((task) => restored.get('tasks', task.id)!);
  t.is(a!.spec, b!.spec);
  t.deepEqual(a, state.get('tasks', tasks[0]!.id));
});

test('frozenCopy keeps bytes as the view’s bytes, every map key, and fields in order', (t) => {
  const message = new Uint8Array(1000);
  message.set([1, 2, 3], 10);
  const labels = JSON.parse('{"__proto__": "kept", "b": "2", "a": "1"}') as Record<string, string>;
  const copy = frozenCopy({ sealed: message.subarray(10, 13), labels, empty: [], none: {} });
  t.deepEqual([...copy.sealed], [1, 2, 3]);
  t.is(copy.sealed.buffer.byteLength, 3);
  t.deepEqual(Object.keys(copy.labels), ['__proto__', 'b', 'a']);
  t.is(Object.getPrototypeOf(copy.labels), Object.prototype);
  t.true(Object.isFrozen(copy) && Object.isFrozen(copy.labels) && Object.isFrozen(copy.empty));
  t.true(sameValue(copy, { sealed: new Uint8Array([1, 2, 3]), labels, empty: [], none: {} }));
  t.false(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 }), 'fields in another order read otherwise');
  t.false(sameValue({ a: 0 }, { a: -0 }));
  t.false(sameValue({ a: null }, { a: undefined }));
  t.false(sameValue([], {}));
});

test('frozenCopy reads as written for objects of many fields, whatever their keys', (t) => {
  const wide = { a: 1, b: 'two', c: null, d: [3], e: { f: 4 }, g: true };
  // Shapes that share a beginning, keys that are numbers or "__proto__", in maps of many keys.
  const longer = { ...wide, h: 8 };
  const shorter = { a: 1, b: 'two', c: null, d: [3], e: { f: 4 } };
  const numbered = JSON.parse('{"10": "x", "2": "y", "a": 1, "b": 2, "c": 3, "d": 4}') as object;
  const proto = JSON.parse('{"a": 1, "b": 2, "c": 3, "d": 4, "__proto__": "kept"}') as object;
  for (const value of [wide, longer, shorter, numbered, proto, wide]) {
    const copy = frozenCopy(value);
    t.deepEqual(copy, value);
    t.deepEqual(Object.keys(copy), Object.keys(value), 'the fields in the order written');
    t.is(Object.getPrototypeOf(copy), Object.prototype);
    t.true(Object.isFrozen(copy));
  }
  const replaced = frozenCopy(wide, { b: 'shared', z: 26 });
  t.deepEqual(replaced, { ...wide, b: 'shared', z: 26 });
});
