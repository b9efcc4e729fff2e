import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { Node, Service, Task, TaskSpec } from '../../../proto/types.js';
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

const placement = (p: Partial<NonNullable<TaskSpec['placement']>>) => ({
  placement: { constraints: [], preferences: [], maxReplicas: 0, strategy: 'SPREAD' as const, ...p },
});
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
