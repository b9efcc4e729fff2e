import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import {
  placementWith,
  type Node,
  type Placement,
  type Service,
  type Task,
  type TaskSpec,
} from '../../../proto/types.js';
import { eventually, makeNode, makeService, makeSpec, makeTask, runLoop } from '../helpers.js';

const log = silentLogger();
const GB = 2 ** 30;

function node(
  labels: Record<string, string>,
  cores = 4,
  memGb = 4,
  generic: Record<string, number> = {},
): Node {
  const n = makeNode();
  n.spec!.labels = labels;
  n.description!.resources = { nanoCpus: cores * 1e9, memoryBytes: memGb * GB, pids: 0 };
  n.description!.genericResources = generic;
  return n;
}

function service(task: Partial<TaskSpec>): Service {
  const spec = makeSpec();
  spec.task = { ...spec.task!, ...task };
  return makeService(spec);
}

const placement = (p: Partial<Placement>) => ({ placement: placementWith(p) });
const reserve = (cores: number, memGb: number, generic: Record<string, number> = {}) => ({
  resources: {
    reservations: { nanoCpus: cores * 1e9, memoryBytes: memGb * GB, pids: 0 },
    generic,
    limits: null,
  },
});

async function schedule(t: Parameters<typeof runLoop>[0], nodes: Node[], s: Service, n: number) {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const x of nodes) tx.create('nodes', x);
    tx.create('services', s);
    for (let i = 1; i <= n; i++) tx.create('tasks', makeTask(s, { slot: i }));
  });
  runLoop(t, new Scheduler(store, log));
  await settled(store, s.id);
  return store;
}

const tasksOf = (store: Store, id: string) => store.view((tx) => tx.tasksByService(id));
const settled = (store: Store, id: string) =>
  eventually(() => tasksOf(store, id).every((x) => x.status?.state === 'ASSIGNED' || x.status?.err));

function perNode(tasks: Task[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of tasks) if (x.nodeId) out[x.nodeId] = (out[x.nodeId] ?? 0) + 1;
  return out;
}

test('constraints: labels, role, platform, engine labels', async (t) => {
  const [a, b] = [node({ zone: 'a' }), node({ zone: 'b' })];
  b.description!.platform = { os: 'linux', arch: 'arm64' };
  a.description!.engineLabels = { x: 'y' };
  b.description!.engineLabels = { storage: 'ssd' };
  const s = service(
    placement({
      constraints: [
        'node.labels.zone==b',
        'node.role==worker',
        'node.platform.arch==ARM64',
        'engine.labels.x!=y',
        'engine.labels.storage==ssd',
      ],
    }),
  );
  const store = await schedule(t, [a, b], s, 3);
  t.deepEqual(perNode(tasksOf(store, s.id)), { [b.id]: 3 });
});

test('a task that fits nowhere stays PENDING with the refusals counted per filter', async (t) => {
  const nodes = [
    node({ zone: 'a' }, 4, 1),
    node({ zone: 'a' }, 4, 1),
    node({ zone: 'b' }, 4, 1),
    node({ zone: 'c' }),
  ];
  const s = service({ ...placement({ constraints: ['node.labels.zone!=c'] }), ...reserve(0, 2) });
  const store = await schedule(t, nodes, s, 1);
  const [task] = tasksOf(store, s.id);
  t.is(task?.status?.state, 'PENDING');
  t.is(
    task?.status?.err,
    'no suitable node: constraint node.labels.zone!=c on 1 node, insufficient memory on 3 nodes',
  );
});

test('reservations count against what a node has, task after task', async (t) => {
  const nodes = [node({}, 2, 8), node({}, 1, 8)];
  const s = service(reserve(1, 1));
  const store = await schedule(t, nodes, s, 4);
  t.deepEqual(perNode(tasksOf(store, s.id)), { [nodes[0]!.id]: 2, [nodes[1]!.id]: 1 });
  const waiting = tasksOf(store, s.id).filter((x) => x.status?.state === 'PENDING');
  t.is(waiting.length, 1);
  t.is(waiting[0]?.status?.err, 'no suitable node: insufficient cpu on 2 nodes');
});

test('generic resources: only nodes that advertise enough', async (t) => {
  const nodes = [node({}, 4, 4, { gpu: 2 }), node({}), node({}, 4, 4, { gpu: 1 })];
  const s = service(reserve(0, 0, { gpu: 1 }));
  const store = await schedule(t, nodes, s, 4);
  t.deepEqual(perNode(tasksOf(store, s.id)), { [nodes[0]!.id]: 2, [nodes[2]!.id]: 1 });
});

test('max replicas per node', async (t) => {
  const nodes = [node({}), node({})];
  const s = service(placement({ maxReplicas: 2 }));
  const store = await schedule(t, nodes, s, 5);
  t.deepEqual(Object.values(perNode(tasksOf(store, s.id))), [2, 2]);
  const waiting = tasksOf(store, s.id).filter((x) => x.status?.state === 'PENDING');
  t.is(waiting[0]?.status?.err, 'no suitable node: max replicas per node (2) on 2 nodes');
});

test('preferences spread over label values first, hierarchically; nodes without the label are a group', async (t) => {
  const a1 = node({ zone: 'a', rack: '1' });
  const b1 = node({ zone: 'b', rack: '1' });
  const b2 = [node({ zone: 'b', rack: '2' }), node({ zone: 'b', rack: '2' })];
  const none = node({});
  const s = service(
    placement({ preferences: [{ spread: 'node.labels.zone' }, { spread: 'node.labels.rack' }] }),
  );
  const store = await schedule(t, [a1, b1, ...b2, none], s, 12);
  const counts = perNode(tasksOf(store, s.id));
  // 4 per zone group (a, b, none); within b, 2 per rack; within rack 2 of b, 1 per node.
  t.deepEqual(
    [counts[a1.id], counts[none.id], counts[b1.id], counts[b2[0]!.id], counts[b2[1]!.id]],
    [4, 4, 2, 1, 1],
  );
});

test('binpack fills the fullest node that fits first', async (t) => {
  const nodes = [node({}, 4, 8), node({}, 4, 8), node({}, 4, 8)];
  const s = service({ ...placement({ strategy: 'BINPACK' }), ...reserve(1, 1) });
  const store = await schedule(t, nodes, s, 6);
  t.deepEqual(Object.values(perNode(tasksOf(store, s.id))).sort(), [2, 4]);
});

test('a task that stops frees its reservation for a task that waited', async (t) => {
  const n = node({}, 1, 8);
  const s = service(reserve(1, 0));
  const store = await schedule(t, [n], s, 2);
  const [running, waiting] = [...tasksOf(store, s.id)].sort(
    (x, y) => (x.nodeId ? -1 : 1) - (y.nodeId ? -1 : 1),
  );
  t.truthy(waiting?.status?.err);
  await store.update((tx) => {
    const x = tx.get('tasks', running!.id)!;
    tx.update('tasks', { ...x, status: { ...x.status!, state: 'COMPLETE' } });
  });
  await eventually(() => store.view((tx) => tx.get('tasks', waiting!.id)?.nodeId === n.id));
  t.pass();
});

test('a task that comes with its node (global modes) is assigned there only when it fits', async (t) => {
  const [small, big] = [node({}, 4, 1), node({}, 4, 8)];
  const s = service(reserve(0, 2));
  const store = await MemoryStore.open();
  const [onSmall, onBig] = [makeTask(s, { slot: 0 }), makeTask(s, { slot: 0 })];
  onSmall.nodeId = small.id;
  onBig.nodeId = big.id;
  await store.update((tx) => {
    for (const x of [small, big]) tx.create('nodes', x);
    tx.create('services', s);
    for (const x of [onSmall, onBig]) tx.create('tasks', x);
  });
  runLoop(t, new Scheduler(store, log));
  await settled(store, s.id);
  const got = (id: string) => store.view((tx) => tx.get('tasks', id)!);
  t.is(got(onBig.id).status?.state, 'ASSIGNED');
  t.is(got(onBig.id).nodeId, big.id);
  t.is(got(onSmall.id).status?.state, 'PENDING');
  t.is(got(onSmall.id).nodeId, small.id);
  t.is(got(onSmall.id).status?.err, 'no suitable node: insufficient memory on 1 node');
});

test('service affinity and anti-affinity follow the tasks of the selected services', async (t) => {
  const nodes = [node({}), node({}), node({})];
  const cache = service({});
  cache.spec!.name = 'cache';
  cache.spec!.labels = { tier: 'cache' };
  const store = await MemoryStore.open();
  const cacheTask = makeTask(cache, { slot: 1 });
  cacheTask.nodeId = nodes[1]!.id;
  cacheTask.status = { ...cacheTask.status!, state: 'RUNNING' };
  const near = service(placement({ affinities: ['service.labels.tier==cache'] }));
  const apart = service(placement({ antiAffinities: ['service.name==cache'] }));
  const nowhere = service(placement({ affinities: ['service.name==missing'] }));
  near.spec!.name = 'near';
  apart.spec!.name = 'apart';
  nowhere.spec!.name = 'nowhere';
  await store.update((tx) => {
    for (const x of nodes) tx.create('nodes', x);
    for (const x of [cache, near, apart, nowhere]) tx.create('services', x);
    tx.create('tasks', cacheTask);
    for (const x of [near, apart, nowhere])
      for (let i = 1; i <= 2; i++) tx.create('tasks', makeTask(x, { slot: i }));
  });
  runLoop(t, new Scheduler(store, log));
  for (const x of [near, apart, nowhere]) await settled(store, x.id);
  t.deepEqual(perNode(tasksOf(store, near.id)), { [nodes[1]!.id]: 2 });
  t.false(tasksOf(store, apart.id).some((x) => x.nodeId === nodes[1]!.id));
  t.is(tasksOf(store, apart.id).filter((x) => x.nodeId).length, 2);
  for (const x of tasksOf(store, nowhere.id)) {
    t.is(x.status?.err, 'no suitable node: affinity service.name==missing on 3 nodes');
  }
});

test('a service in anti-affinity with itself runs one task per node', async (t) => {
  const s = service(placement({ antiAffinities: ['service.labels.spread==one'] }));
  s.spec!.labels = { spread: 'one' };
  const store = await schedule(t, [node({}), node({})], s, 3);
  const tasks = tasksOf(store, s.id);
  t.deepEqual(Object.values(perNode(tasks)), [1, 1]);
  t.is(
    tasks.find((x) => !x.nodeId)?.status?.err,
    'no suitable node: anti-affinity service.labels.spread==one on 2 nodes',
  );
});

test('host-mode published ports: one task per port per node, counted like the other reasons', async (t) => {
  const nodes = [node({}), node({})];
  const s = service({});
  s.endpoint = { ports: [{ publishedPort: 8080, targetPort: 80, protocol: 'TCP', mode: 'HOST' }] };
  const other = service({});
  other.spec!.name = 'other';
  other.endpoint = s.endpoint;
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const x of nodes) tx.create('nodes', x);
    tx.create('services', s);
    tx.create('services', other);
    for (let i = 1; i <= 2; i++) tx.create('tasks', makeTask(s, { slot: i, endpoint: s.endpoint }));
  });
  runLoop(t, new Scheduler(store, log));
  await settled(store, s.id);
  t.deepEqual(Object.values(perNode(tasksOf(store, s.id))), [1, 1]);
  // Another service's task on the same host port finds no node either.
  await store.update((tx) => tx.create('tasks', makeTask(other, { slot: 1, endpoint: other.endpoint })));
  await settled(store, other.id);
  t.is(
    tasksOf(store, other.id)[0]?.status?.err,
    'no suitable node: host-mode port 8080/tcp in use on 2 nodes',
  );
});
