import test, { type ExecutionContext } from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { GlobalOrchestrator, type GlobalMode } from '../../../manager/orchestrator/global.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { Node, NodeAvailability, Service, Task } from '../../../proto/types.js';
import { eventually, liveTasks, makeNode, makeService, makeSpec, runLoop, setTaskState } from '../helpers.js';

const log = silentLogger();

function globalService(mode: GlobalMode = 'global', image = 'host'): Service {
  const spec = makeSpec({ name: mode, mode, replicated: undefined, [mode]: {} });
  spec.task!.container!.image = image;
  return makeService(spec);
}

async function setup(nodes: Node[], service: Service, mode: GlobalMode = 'global') {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', service);
  });
  return { store, orchestrator: new GlobalOrchestrator(store, log, mode) };
}

const tasksOf = (store: Store, serviceId: string): Task[] => store.view((tx) => tx.tasksByService(serviceId));
const liveNodes = (store: Store, serviceId: string) =>
  liveTasks(store, serviceId)
    .map((t) => t.nodeId)
    .sort();

async function updateNode(store: Store, id: string, change: (n: Node) => Node) {
  await store.update((tx) => tx.update('nodes', change(tx.get('nodes', id)!)));
}
const withAvailability = (availability: NodeAvailability) => (n: Node) => ({
  ...n,
  spec: { ...n.spec!, availability },
});

/** A global service running its two tasks on nodes a and b. */
async function runningOnTwoNodes(t: ExecutionContext) {
  const a = makeNode();
  const b = makeNode();
  const service = globalService();
  const { store, orchestrator } = await setup([a, b], service);
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, service.id).length === 2);
  return { a, b, service, store };
}

test('one task per eligible node, slot 0, created PENDING on its node for the scheduler to assign', async (t) => {
  const a = makeNode();
  const b = makeNode();
  const noRuntime = makeNode({ runtimes: ['containerd'] });
  const down = makeNode({ status: { state: 'DOWN', message: '', addr: '' } });
  const drained = makeNode();
  drained.spec!.availability = 'DRAIN';
  const service = globalService();
  const { store, orchestrator } = await setup([a, b, noRuntime, down, drained], service);
  runLoop(t, orchestrator);
  const tasks = await eventually(() => {
    const ts = tasksOf(store, service.id);
    return ts.length === 2 && ts;
  });
  t.deepEqual(tasks.map((x) => x.nodeId).sort(), [a.id, b.id].sort());
  for (const task of tasks) {
    t.is(task.slot, 0);
    t.is(task.status?.state, 'PENDING');
    t.is(task.desiredState, 'RUNNING');
  }
});

test('follows nodes: a joining node gets a task, a drained one loses it, a paused one keeps it', async (t) => {
  const { a, b, service, store } = await runningOnTwoNodes(t);

  const c = makeNode();
  await store.update((tx) => tx.create('nodes', c));
  await eventually(() => liveNodes(store, service.id).includes(c.id));

  const onB = liveTasks(store, service.id).find((x) => x.nodeId === b.id)!;
  await updateNode(store, b.id, withAvailability('DRAIN'));
  await eventually(() => store.view((tx) => tx.get('tasks', onB.id)?.desiredState === 'SHUTDOWN'));
  await eventually(() => liveNodes(store, service.id).join() === [a.id, c.id].sort().join());

  const onA = liveTasks(store, service.id).find((x) => x.nodeId === a.id)!;
  await updateNode(store, a.id, withAvailability('PAUSE'));
  await updateNode(store, b.id, withAvailability('ACTIVE'));
  await eventually(() => liveNodes(store, service.id).includes(b.id));
  t.is(
    store.view((tx) => tx.get('tasks', onA.id)?.desiredState),
    'RUNNING',
  );
  // Nothing is placed anew on a paused node, not even a restart.
  await setTaskState(store, onA.id, 'FAILED');
  await updateNode(store, b.id, (n) => ({ ...n, spec: { ...n.spec!, labels: { poke: '1' } } }));
  await eventually(() => liveTasks(store, service.id).length === 2);
  t.false(liveNodes(store, service.id).includes(a.id));
});

test('a node that goes down or is removed has its task shut down; one that comes back gets a new one', async (t) => {
  const { a, b, service, store } = await runningOnTwoNodes(t);
  const onA = liveTasks(store, service.id).find((x) => x.nodeId === a.id)!;

  await updateNode(store, a.id, (n) => ({ ...n, status: { ...n.status!, state: 'DOWN' } }));
  await eventually(() => store.view((tx) => tx.get('tasks', onA.id)?.desiredState === 'SHUTDOWN'));
  t.deepEqual(liveNodes(store, service.id), [b.id]);

  await updateNode(store, a.id, (n) => ({ ...n, status: { ...n.status!, state: 'READY' } }));
  await eventually(() => liveNodes(store, service.id).includes(a.id));

  await store.update((tx) => tx.delete('nodes', b.id));
  await eventually(() => liveNodes(store, service.id).join() === a.id);
});

test('a failed task is restarted on its node; a global job task that completes is not', async (t) => {
  const a = makeNode();
  const service = globalService();
  const { store, orchestrator } = await setup([a], service);
  runLoop(t, orchestrator);
  const first = (await eventually(() => liveTasks(store, service.id)[0]))!;
  await setTaskState(store, first.id, 'FAILED');
  const second = await eventually(() => liveTasks(store, service.id).find((x) => x.id !== first.id));
  t.is(second.nodeId, a.id);

  const job = globalService('globalJob');
  const jobRun = await setup([a], job, 'globalJob');
  runLoop(t, jobRun.orchestrator);
  const task = (await eventually(() => liveTasks(jobRun.store, job.id)[0]))!;
  await setTaskState(jobRun.store, task.id, 'COMPLETE');
  // A node joining afterwards still runs the job once.
  const b = makeNode();
  await jobRun.store.update((tx) => tx.create('nodes', b));
  await eventually(() => liveTasks(jobRun.store, job.id).some((x) => x.nodeId === b.id));
  t.is(tasksOf(jobRun.store, job.id).filter((x) => x.nodeId === a.id).length, 1);
});

test('leaves services of other modes alone', async (t) => {
  const a = makeNode();
  const replicated = makeService(makeSpec({}, 2));
  const { store, orchestrator } = await setup([a], replicated);
  const global = globalService();
  await store.update((tx) => tx.create('services', global));
  runLoop(t, orchestrator);
  await eventually(() => liveTasks(store, global.id).length === 1);
  t.is(tasksOf(store, replicated.id).length, 0);
});
