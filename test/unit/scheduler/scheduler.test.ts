import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { explain, filters, runtimesFor } from '../../../manager/scheduler/filters.js';
import { PLACEMENTS_PER_PASS, Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { Node, Service, Task } from '../../../proto/types.js';
import { eventually, makeNode, makeService, makeSpec, makeTask, runLoop } from '../helpers.js';

const log = silentLogger();

function serviceFor(image: string, name = 'web'): Service {
  const spec = makeSpec({ name });
  spec.task!.container!.image = image;
  return makeService(spec);
}

function pendingTasks(service: Service, n: number, firstSlot = 1): Task[] {
  return Array.from({ length: n }, (_, i) => makeTask(service, { slot: firstSlot + i }));
}

async function seed(store: Store, nodes: Node[], services: Service[], tasks: Task[]) {
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    for (const s of services) tx.create('services', s);
    for (const t of tasks) tx.create('tasks', t);
  });
}

const tasksOf = (store: Store, serviceId: string) => store.view((tx) => tx.tasksByService(serviceId));
const assignedCount = (store: Store, serviceId: string) =>
  tasksOf(store, serviceId).filter((t) => t.status?.state === 'ASSIGNED').length;

function perNode(tasks: Task[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tasks) out.set(t.nodeId, (out.get(t.nodeId) ?? 0) + 1);
  return out;
}

test('spreads the tasks of a service evenly across ready, active nodes', async (t) => {
  const store = await MemoryStore.open();
  const nodes = [makeNode(), makeNode(), makeNode()];
  const service = serviceFor('host');
  await seed(store, nodes, [service], pendingTasks(service, 7));
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, service.id) === 7);
  const counts = perNode(tasksOf(store, service.id));
  t.deepEqual([...counts.keys()].sort(), nodes.map((n) => n.id).sort());
  t.deepEqual([...counts.values()].sort(), [2, 2, 3]);
  for (const task of tasksOf(store, service.id)) {
    t.is(task.status?.err, '');
    t.regex(task.status?.message ?? '', /assigned/);
  }
});

test('hundreds pending are placed over several writes of at most PLACEMENTS_PER_PASS each', async (t) => {
  const store = await MemoryStore.open();
  const service = serviceFor('host');
  const count = 2 * PLACEMENTS_PER_PASS + 10;
  await seed(store, [makeNode(), makeNode()], [service], pendingTasks(service, count));
  const writes = new Map<number, string[]>();
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of store.watch({ tables: ['tasks'] }, ac.signal)) {
      if (e.table === 'tasks' && e.object.status?.state === 'ASSIGNED')
        writes.set(e.index, [...(writes.get(e.index) ?? []), e.object.id]);
    }
  })();
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, service.id) === count);
  await eventually(() => [...writes.values()].flat().length === count);
  t.deepEqual(
    [...writes.values()].map((ids) => ids.length),
    [PLACEMENTS_PER_PASS, PLACEMENTS_PER_PASS, 10],
  );
});

test('spread counts the tasks of the same service first, then all tasks', async (t) => {
  const store = await MemoryStore.open();
  const [busy, idle] = [makeNode(), makeNode()];
  const other = serviceFor('host', 'other');
  const web = serviceFor('host', 'web');
  // busy already runs 3 tasks of another service; web has one task on idle.
  const existing = [
    ...pendingTasks(other, 3).map((x) => ({
      ...x,
      nodeId: busy.id,
      status: { ...x.status!, state: 'RUNNING' as const },
    })),
    {
      ...makeTask(web, { slot: 1, nodeId: idle.id }),
      status: { ...makeTask(web).status!, state: 'RUNNING' as const },
    },
  ];
  await seed(store, [busy, idle], [other, web], [...existing, ...pendingTasks(web, 3, 2)]);
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, web.id) === 3);
  const counts = perNode(tasksOf(store, web.id));
  // web: 2 on each node (spread by service wins over total load).
  t.is(counts.get(busy.id), 2);
  t.is(counts.get(idle.id), 2);
});

test('tasks that are shutting down do not count as load', async (t) => {
  const store = await MemoryStore.open();
  const [a, b] = [makeNode(), makeNode()];
  const web = serviceFor('host');
  const stopping = pendingTasks(web, 3).map((x) => ({
    ...x,
    nodeId: a.id,
    desiredState: 'SHUTDOWN' as const,
    status: { ...x.status!, state: 'RUNNING' as const },
  }));
  await seed(store, [a, b], [web], stopping);
  await store.update((tx) => {
    for (const x of pendingTasks(web, 2, 4)) tx.create('tasks', x);
  });
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, web.id) === 2);
  const placed = tasksOf(store, web.id).filter((x) => x.status?.state === 'ASSIGNED');
  t.deepEqual([...perNode(placed).values()], [1, 1]);
});

test('skips nodes that are down, not ready, or not active', async (t) => {
  const store = await MemoryStore.open();
  const good = makeNode();
  const down = makeNode({ status: { state: 'DOWN', message: '', addr: '' } });
  const unknown = makeNode({ status: { state: 'UNKNOWN', message: '', addr: '' } });
  const drained = makeNode({ spec: { desiredRole: 'WORKER', availability: 'DRAIN', labels: {} } });
  const paused = makeNode({ spec: { desiredRole: 'WORKER', availability: 'PAUSE', labels: {} } });
  const service = serviceFor('host');
  await seed(store, [down, unknown, drained, paused, good], [service], pendingTasks(service, 4));
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, service.id) === 4);
  t.deepEqual([...perNode(tasksOf(store, service.id)).keys()], [good.id]);
});

test('image "host" needs the process runtime; other images need containerd or docker', async (t) => {
  const store = await MemoryStore.open();
  const processOnly = makeNode({ runtimes: ['process'] });
  const containerd = makeNode({ runtimes: ['containerd'] });
  const docker = makeNode({ runtimes: ['docker'] });
  const host = serviceFor('host', 'host');
  const image = serviceFor('busybox:latest', 'image');
  await seed(
    store,
    [processOnly, containerd, docker],
    [host, image],
    [...pendingTasks(host, 3), ...pendingTasks(image, 4)],
  );
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, host.id) === 3 && assignedCount(store, image.id) === 4);
  t.deepEqual([...perNode(tasksOf(store, host.id)).keys()], [processOnly.id]);
  const imageNodes = perNode(tasksOf(store, image.id));
  // ava compares Sets in order: compare sorted ids instead.
  t.deepEqual([...imageNodes.keys()].sort(), [containerd.id, docker.id].sort());
  t.deepEqual([...imageNodes.values()], [2, 2]);
});

test('a container task with no container runtime in the cluster stays PENDING with the reason', async (t) => {
  const store = await MemoryStore.open();
  const service = serviceFor('busybox:latest');
  await seed(
    store,
    [makeNode({ runtimes: ['process'] }), makeNode({ runtimes: ['process'] })],
    [service],
    pendingTasks(service, 2),
  );
  runLoop(t, new Scheduler(store, log));
  const tasks = await eventually(() => {
    const ts = tasksOf(store, service.id);
    return ts.every((x) => x.status?.err) && ts;
  });
  for (const task of tasks) {
    t.is(task.status?.state, 'PENDING');
    t.is(task.nodeId, '');
    t.is(task.status?.err, 'no suitable node: no node has a container runtime');
  }
});

test('a node that becomes ready gets the tasks that waited', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode({ status: { state: 'DOWN', message: '', addr: '' }, runtimes: ['process'] });
  const dockerOnly = makeNode({ runtimes: ['docker'] });
  const service = serviceFor('host');
  await seed(store, [node, dockerOnly], [service], pendingTasks(service, 3));
  runLoop(t, new Scheduler(store, log));
  await eventually(() => tasksOf(store, service.id).every((x) => x.status?.err));
  t.is(
    tasksOf(store, service.id)[0]?.status?.err,
    'no suitable node: node is not ready on 1 node, no container runtime on 1 node',
  );
  // Let the scheduler settle: once it has placed a task made after the refusals, it has
  // looked at the waiting tasks again too.
  const witnessService = serviceFor('busybox', 'witness');
  const witness = makeTask(witnessService);
  await store.update((tx) => {
    tx.create('services', witnessService);
    tx.create('tasks', witness);
  });
  await eventually(() => store.view((tx) => tx.get('tasks', witness.id)?.status?.state === 'ASSIGNED'));
  // Nodes change in other ways meanwhile; the tasks keep waiting.
  await store.update((tx) =>
    tx.update('nodes', {
      ...tx.get('nodes', node.id)!,
      status: { state: 'DOWN', message: 'still down', addr: '' },
    }),
  );
  await store.update((tx) =>
    tx.update('nodes', { ...tx.get('nodes', node.id)!, status: { state: 'READY', message: '', addr: '' } }),
  );
  await eventually(() => assignedCount(store, service.id) === 3);
  t.true(tasksOf(store, service.id).every((x) => x.nodeId === node.id && x.status?.err === ''));
});

test('a node that joins gets the tasks that waited for any node', async (t) => {
  const store = await MemoryStore.open();
  const service = serviceFor('host');
  await seed(store, [], [service], pendingTasks(service, 2));
  runLoop(t, new Scheduler(store, log));
  await eventually(() => tasksOf(store, service.id).every((x) => x.status?.err));
  t.is(tasksOf(store, service.id)[0]?.status?.err, 'no suitable node: the cluster has no nodes');
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  await eventually(() => assignedCount(store, service.id) === 2);
  t.pass();
});

test('tasks created later are placed; tasks not meant to run are left alone', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  const service = serviceFor('host');
  await seed(store, [node], [service], []);
  runLoop(t, new Scheduler(store, log));
  const stopped = { ...makeTask(service, { slot: 2 }), desiredState: 'SHUTDOWN' as const };
  const fresh = makeTask(service, { slot: 1 });
  await store.update((tx) => {
    tx.create('tasks', stopped);
    tx.create('tasks', fresh);
  });
  await eventually(() => store.view((tx) => tx.get('tasks', fresh.id)?.status?.state === 'ASSIGNED'));
  const s = store.view((tx) => tx.get('tasks', stopped.id));
  t.is(s?.status?.state, 'PENDING');
  t.is(s?.nodeId, '');
});

test('places many tasks in one batch: few store updates', async (t) => {
  const store = await MemoryStore.open();
  const nodes = Array.from({ length: 5 }, () => makeNode());
  const service = serviceFor('host');
  await seed(store, nodes, [service], pendingTasks(service, 200));
  const before = store.view((tx) => tx.index);
  runLoop(t, new Scheduler(store, log));
  await eventually(() => assignedCount(store, service.id) === 200);
  const writes = store.view((tx) => tx.index) - before;
  t.true(writes >= 1 && writes <= 2, `${writes} updates for 200 tasks`);
  t.deepEqual([...perNode(tasksOf(store, service.id)).values()], [40, 40, 40, 40, 40]);
});

test('filters and explanations', (t) => {
  t.deepEqual(runtimesFor('host'), ['process']);
  t.deepEqual(runtimesFor('busybox'), ['containerd', 'docker']);
  const service = serviceFor('busybox');
  const task = makeTask(service);
  const refusedBy = (node: Node) => filters.find((f) => !f.accepts(node, task))?.reason;
  t.is(refusedBy(makeNode()), undefined);
  t.is(
    refusedBy(makeNode({ status: { state: 'DISCONNECTED', message: '', addr: '' } })),
    'node is not ready',
  );
  t.is(refusedBy(makeNode({ runtimes: [] })), 'no container runtime');
  t.is(explain(new Map(), 0), 'no suitable node: the cluster has no nodes');
  t.is(
    explain(new Map([['no container runtime', 3]]), 3),
    'no suitable node: no node has a container runtime',
  );
  t.is(
    explain(
      new Map([
        ['node is not ready', 1],
        ['no container runtime', 2],
      ]),
      3,
    ),
    'no suitable node: node is not ready on 1 node, no container runtime on 2 nodes',
  );
});
