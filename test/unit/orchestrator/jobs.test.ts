import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { ReplicatedJobOrchestrator } from '../../../manager/orchestrator/jobs.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { RestartPolicy, Service, Task } from '../../../proto/types.js';
import { eventually, liveTasks, makeNode, makeService, makeSpec, runLoop, setTaskState } from '../helpers.js';

const log = silentLogger();

function job(total: number, maxConcurrent: number, restart: Partial<RestartPolicy> = {}): Service {
  const spec = makeSpec({
    name: 'batch',
    mode: 'replicatedJob',
    replicated: undefined,
    replicatedJob: { totalCompletions: total, maxConcurrent },
  });
  spec.task!.restart = { condition: 'RESTART_ANY', delayMs: 0, maxAttempts: 0, windowMs: 0, ...restart };
  return makeService(spec);
}

async function setup(service: Service) {
  const store = await MemoryStore.open();
  await store.update((tx) => tx.create('services', service));
  return { store, orchestrator: new ReplicatedJobOrchestrator(store, log) };
}

const tasksOf = (store: Store, serviceId: string): Task[] => store.view((tx) => tx.tasksByService(serviceId));
const completed = (store: Store, serviceId: string) =>
  tasksOf(store, serviceId).filter((t) => t.status?.state === 'COMPLETE').length;

test('runs total completions, at most max concurrent at a time; completed tasks are not restarted', async (t) => {
  const service = job(5, 2);
  const { store, orchestrator } = await setup(service);
  runLoop(t, orchestrator);
  let done = 0;
  while (done < 5) {
    const live = await eventually(() => {
      const ts = liveTasks(store, service.id);
      return ts.length === Math.min(2, 5 - done) && ts;
    });
    t.true(live.every((x) => x.status?.state === 'PENDING' && x.slot >= 1 && x.slot <= 5));
    await setTaskState(store, live[0]!.id, 'COMPLETE');
    done++;
    await eventually(() => completed(store, service.id) === done);
  }
  await eventually(() => liveTasks(store, service.id).length === 0);
  t.deepEqual(
    tasksOf(store, service.id)
      .map((x) => x.slot)
      .sort(),
    [1, 2, 3, 4, 5],
  );
  // Touching the service does not run anything again.
  await store.update((tx) => {
    const s = tx.get('services', service.id)!;
    tx.update('services', { ...s, spec: { ...s.spec!, labels: { touched: '1' } } });
  });
  await orchestrator.settled(store.view((tx) => tx.index));
  t.is(tasksOf(store, service.id).length, 5);
});

test('a failed task is retried per the restart policy; with condition none it is not', async (t) => {
  const retried = job(1, 1);
  const a = await setup(retried);
  runLoop(t, a.orchestrator);
  const first = (await eventually(() => liveTasks(a.store, retried.id)[0]))!;
  await setTaskState(a.store, first.id, 'FAILED');
  const second = await eventually(() => liveTasks(a.store, retried.id).find((x) => x.id !== first.id));
  t.is(second.slot, first.slot);

  const once = job(1, 1, { condition: 'RESTART_NONE' });
  const b = await setup(once);
  runLoop(t, b.orchestrator);
  const only = (await eventually(() => liveTasks(b.store, once.id)[0]))!;
  await setTaskState(b.store, only.id, 'FAILED');
  await eventually(() => liveTasks(b.store, once.id).length === 0);
  await b.orchestrator.settled(b.store.view((tx) => tx.index));
  t.is(tasksOf(b.store, once.id).length, 1);
});

test('a task on a drained node is replaced', async (t) => {
  const node = makeNode();
  const service = job(1, 1);
  const { store, orchestrator } = await setup(service);
  await store.update((tx) => tx.create('nodes', node));
  runLoop(t, orchestrator);
  const first = (await eventually(() => liveTasks(store, service.id)[0]))!;
  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', first.id)!, nodeId: node.id }));
  await setTaskState(store, first.id, 'RUNNING');
  await store.update((tx) => {
    const n = tx.get('nodes', node.id)!;
    tx.update('nodes', { ...n, spec: { ...n.spec!, availability: 'DRAIN' } });
  });
  await eventually(() => liveTasks(store, service.id).some((x) => x.id !== first.id));
  t.is(
    store.view((tx) => tx.get('tasks', first.id)?.desiredState),
    'SHUTDOWN',
  );
});
