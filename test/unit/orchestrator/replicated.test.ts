import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { NEW_TASKS_PER_PASS } from '../../../manager/orchestrator/orchestrator.js';
import { ReplicatedOrchestrator } from '../../../manager/orchestrator/replicated.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { RestartPolicy, Service, Task } from '../../../proto/types.js';
import {
  eventually,
  liveTasks,
  makeCluster,
  makeNode,
  makeService,
  makeStatus,
  makeSpec,
  makeTask,
  runLoop,
  setTaskState,
} from '../helpers.js';

const log = silentLogger();

function policy(p: Partial<RestartPolicy>): RestartPolicy {
  return { condition: 'RESTART_ANY', delayMs: 0, maxAttempts: 0, windowMs: 0, ...p };
}

function serviceWith(replicas: number, restart: Partial<RestartPolicy> = {}, name = 'web'): Service {
  const spec = makeSpec({ name }, replicas);
  spec.task!.restart = policy(restart);
  return makeService(spec);
}

async function setup(opts: { historyLimit?: number; now?: () => number } = {}) {
  const store = await MemoryStore.open();
  if (opts.historyLimit !== undefined) {
    await store.update((tx) =>
      tx.create(
        'clusters',
        makeCluster({
          spec: {
            name: 'test',
            heartbeatPeriodMs: 5000,
            taskHistoryLimit: opts.historyLimit!,
            nodeCertExpiryMs: 0,
            containerPool: '',
          },
        }),
      ),
    );
  }
  return { store, orchestrator: new ReplicatedOrchestrator(store, log, opts.now) };
}

const tasksOf = (store: Store, serviceId: string): Task[] => store.view((tx) => tx.tasksByService(serviceId));
const slots = (tasks: Task[]) => tasks.map((t) => t.slot).sort((a, b) => a - b);

async function scale(store: Store, serviceId: string, replicas: number) {
  await store.update((tx) => {
    const s = tx.get('services', serviceId)!;
    tx.update('services', { ...s, spec: { ...s.spec!, replicated: { replicas } } });
  });
}

/** Touches a service (a label) so the orchestrator reconciles it again. */
async function touch(store: Store, serviceId: string, label: string) {
  await store.update((tx) => {
    const s = tx.get('services', serviceId)!;
    tx.update('services', { ...s, spec: { ...s.spec!, labels: { touched: label } } });
  });
}

test('creates one task per slot, 1..N, desired RUNNING and PENDING', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(3);
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const tasks = await eventually(() => {
    const ts = tasksOf(store, service.id);
    return ts.length === 3 && ts;
  });
  t.deepEqual(slots(tasks), [1, 2, 3]);
  for (const task of tasks) {
    t.is(task.desiredState, 'RUNNING');
    t.is(task.status?.state, 'PENDING');
    t.is(task.serviceName, 'web');
    t.is(task.nodeId, '');
    t.deepEqual(task.spec, service.spec?.task);
  }
});

test('a service created while the orchestrator runs gets its tasks', async (t) => {
  const { store, orchestrator } = await setup();
  runLoop(t, orchestrator);
  const service = serviceWith(2);
  await store.update((tx) => tx.create('services', service));
  const tasks = await eventually(() => {
    const ts = tasksOf(store, service.id);
    return ts.length === 2 && ts;
  });
  t.deepEqual(slots(tasks), [1, 2]);
});

test('a service of more replicas than a pass creates is filled over several writes, each bounded', async (t) => {
  const { store, orchestrator } = await setup();
  const created: number[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    let index = -1;
    for await (const e of store.watch({ tables: ['tasks'], kinds: ['create'] }, ac.signal)) {
      if (e.index !== index) created.push(0);
      index = e.index;
      created[created.length - 1]!++;
    }
  })();
  runLoop(t, orchestrator);
  const replicas = 2 * NEW_TASKS_PER_PASS + 10;
  const service = serviceWith(replicas);
  await store.update((tx) => tx.create('services', service));
  const tasks = await eventually(() => {
    const ts = tasksOf(store, service.id);
    return ts.length === replicas && ts;
  });
  t.deepEqual(
    slots(tasks),
    Array.from({ length: replicas }, (_, i) => i + 1),
  );
  await eventually(() => created.reduce((a, b) => a + b, 0) === replicas);
  t.deepEqual(created, [NEW_TASKS_PER_PASS, NEW_TASKS_PER_PASS, 10]);
});

test('scaling up fills new slots; scaling down shuts down the tasks in slots beyond N', async (t) => {
  const { store, orchestrator } = await setup();
  const node = makeNode();
  const service = serviceWith(2);
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 2);

  await scale(store, service.id, 5);
  await eventually(() => liveTasks(store, service.id).length === 5);
  t.deepEqual(slots(liveTasks(store, service.id)), [1, 2, 3, 4, 5]);

  // Pretend the tasks run on a node, so that scaling down has to stop them there.
  for (const task of tasksOf(store, service.id)) {
    await store.update((tx) =>
      tx.update('tasks', {
        ...tx.get('tasks', task.id)!,
        nodeId: node.id,
        status: makeStatus('RUNNING'),
      }),
    );
  }
  const before = new Map(tasksOf(store, service.id).map((x) => [x.slot, x.id]));
  await scale(store, service.id, 2);
  await eventually(() => liveTasks(store, service.id).length === 2);
  const after = tasksOf(store, service.id);
  t.deepEqual(slots(liveTasks(store, service.id)), [1, 2]);
  for (const task of after) {
    t.is(task.desiredState, task.slot <= 2 ? 'RUNNING' : 'SHUTDOWN', `slot ${task.slot}`);
    t.is(before.get(task.slot), task.id, 'no task is replaced while scaling');
  }
  t.is(after.length, 5, 'running tasks are kept until their worker stops them');

  // Once the worker reports them stopped, the tasks of the removed slots are deleted.
  for (const task of after.filter((x) => x.slot > 2)) await setTaskState(store, task.id, 'SHUTDOWN');
  await eventually(() => tasksOf(store, service.id).length === 2);
  t.deepEqual(slots(tasksOf(store, service.id)), [1, 2]);
});

test('scaling down removes unplaced tasks of the removed slots', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(4);
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 4);
  await scale(store, service.id, 1);
  await eventually(() => tasksOf(store, service.id).length === 1);
  t.deepEqual(slots(tasksOf(store, service.id)), [1]);
  await scale(store, service.id, 0);
  await eventually(() => tasksOf(store, service.id).length === 0);
  t.pass();
});

test('two active tasks in one slot: the newest is kept, the older one shut down', async (t) => {
  const now = 1_000_000;
  const { store, orchestrator } = await setup({ now: () => now });
  const service = serviceWith(1);
  const older = makeTask(service, { slot: 1 });
  const newer = makeTask(service, { slot: 1 });
  await store.update((tx) => {
    tx.create('services', service);
    tx.create('tasks', older);
  });
  await store.update((tx) => tx.create('tasks', newer));
  runLoop(t, orchestrator);
  await eventually(() => store.view((tx) => tx.get('tasks', older.id)?.desiredState !== 'RUNNING'));
  const live = liveTasks(store, service.id);
  t.deepEqual(
    live.map((x) => x.id),
    [newer.id],
  );
  t.is(store.view((tx) => tx.get('tasks', older.id)?.desiredState) ?? 'SHUTDOWN', 'SHUTDOWN');
});

test('a FAILED task is replaced in the same slot; the old one gets desired SHUTDOWN', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(2);
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const [first] = await eventually(() => {
    const ts = tasksOf(store, service.id).filter((x) => x.slot === 2);
    return ts.length === 1 && ts;
  });
  await setTaskState(store, first!.id, 'FAILED');
  const replacement = await eventually(() =>
    tasksOf(store, service.id).find((x) => x.slot === 2 && x.id !== first!.id),
  );
  t.is(replacement.desiredState, 'RUNNING');
  t.is(replacement.status?.state, 'PENDING');
  t.is(
    store.view((tx) => tx.get('tasks', first!.id)?.desiredState),
    'SHUTDOWN',
  );
  t.deepEqual(slots(liveTasks(store, service.id)), [1, 2]);
});

test('a restart waits for the restart delay (fake clock)', async (t) => {
  let now = 1_000_000;
  const { store, orchestrator } = await setup({ now: () => now });
  const service = serviceWith(1, { delayMs: 60_000 });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const first = await eventually(() => tasksOf(store, service.id)[0]);
  await setTaskState(store, first.id, 'FAILED', now);

  // Another change makes the orchestrator look at the service again; once it has made
  // slot 2, it has also looked at the failed slot 1: no restart yet.
  await scale(store, service.id, 2);
  await eventually(() => tasksOf(store, service.id).some((x) => x.slot === 2));
  t.deepEqual(
    tasksOf(store, service.id)
      .filter((x) => x.slot === 1)
      .map((x) => x.id),
    [first.id],
  );
  t.is(
    store.view((tx) => tx.get('tasks', first.id)?.desiredState),
    'RUNNING',
  );

  now += 60_000;
  await touch(store, service.id, 'later');
  const replacement = await eventually(() =>
    tasksOf(store, service.id).find((x) => x.slot === 1 && x.id !== first.id),
  );
  t.is(replacement.desiredState, 'RUNNING');
  t.is(
    store.view((tx) => tx.get('tasks', first.id)?.desiredState),
    'SHUTDOWN',
  );
});

test('a restart happens by itself once a short delay has passed', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(1, { delayMs: 30 });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const first = await eventually(() => tasksOf(store, service.id)[0]);
  await setTaskState(store, first.id, 'FAILED');
  const replacement = await eventually(() => tasksOf(store, service.id).find((x) => x.id !== first.id));
  t.is(replacement.slot, 1);
});

test('restart condition "none": a stopped task is not replaced', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(1, { condition: 'RESTART_NONE' });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const first = await eventually(() => tasksOf(store, service.id)[0]);
  await setTaskState(store, first.id, 'FAILED');
  // Scaling to 2 is a witness: the pass that fills slot 2 saw slot 1 failed.
  await scale(store, service.id, 2);
  await eventually(() => tasksOf(store, service.id).some((x) => x.slot === 2));
  const slot1 = tasksOf(store, service.id).filter((x) => x.slot === 1);
  t.deepEqual(
    slot1.map((x) => [x.id, x.desiredState]),
    [[first.id, 'RUNNING']],
  );
});

test('restart condition "on-failure": COMPLETE stays, FAILED is restarted', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(2, { condition: 'RESTART_ON_FAILURE' });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 2);
  const bySlot = (slot: number) => tasksOf(store, service.id).filter((x) => x.slot === slot);
  const completed = bySlot(1)[0]!;
  const failed = bySlot(2)[0]!;
  await setTaskState(store, completed.id, 'COMPLETE');
  await setTaskState(store, failed.id, 'FAILED');
  await eventually(() => bySlot(2).length === 2);
  t.deepEqual(
    bySlot(1).map((x) => x.id),
    [completed.id],
  );
  t.is(
    store.view((tx) => tx.get('tasks', completed.id)?.desiredState),
    'RUNNING',
  );
});

test('restart condition "any": a COMPLETE task is restarted too', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(1, { condition: 'RESTART_ANY' });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const first = await eventually(() => tasksOf(store, service.id)[0]);
  await setTaskState(store, first.id, 'COMPLETE');
  await eventually(() => tasksOf(store, service.id).some((x) => x.id !== first.id));
  t.is(
    store.view((tx) => tx.get('tasks', first.id)?.desiredState),
    'SHUTDOWN',
  );
});

async function failUntilExhausted(t: import('ava').ExecutionContext, historyLimit: number | undefined) {
  const { store, orchestrator } = await setup({ historyLimit });
  const service = serviceWith(1, { maxAttempts: 2 });
  const witness = serviceWith(0, {}, 'witness');
  await store.update((tx) => {
    tx.create('services', service);
    tx.create('services', witness);
  });
  runLoop(t, orchestrator);
  const created: string[] = [];
  // The first task and two restarts fail; a third restart is not made.
  for (let i = 0; i < 3; i++) {
    const task = await eventually(() => liveTasks(store, service.id)[0]);
    created.push(task.id);
    // Let the orchestrator finish its work on the restart (reaping old tasks) first:
    // once it has filled a new slot of another service, it has.
    await scale(store, witness.id, i + 1);
    await eventually(() => tasksOf(store, witness.id).length === i + 1);
    await setTaskState(store, task.id, 'FAILED');
  }
  await scale(store, service.id, 2);
  await eventually(() => tasksOf(store, service.id).some((x) => x.slot === 2));
  const slot1 = tasksOf(store, service.id).filter((x) => x.slot === 1);
  t.is(liveTasks(store, service.id).filter((x) => x.slot === 1).length, 0);
  t.true(slot1.every((x) => x.status?.state === 'FAILED'));
  t.true(slot1.some((x) => x.id === created[2]));
  t.is(new Set(created).size, 3);
}

test('max attempts: a slot is left stopped after that many restarts', (t) =>
  failUntilExhausted(t, undefined));

test('max attempts are counted even when the task history limit is smaller', (t) => failUntilExhausted(t, 1));

test('restarts counted by one leader still count after a change of leader', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(1, { maxAttempts: 1 });
  const witness = serviceWith(0, {}, 'witness');
  await store.update((tx) => {
    tx.create('services', service);
    tx.create('services', witness);
  });
  const first = runLoop(t, orchestrator);
  const task = await eventually(() => liveTasks(store, service.id)[0]);
  await setTaskState(store, task.id, 'FAILED');
  const restarted = await eventually(() => liveTasks(store, service.id).find((x) => x.id !== task.id));
  // The leader changes: its loop stops, and a new orchestrator reads the history from the store.
  first.abort();
  runLoop(t, new ReplicatedOrchestrator(store, log));
  await setTaskState(store, restarted.id, 'FAILED');
  // Once the new orchestrator has filled the witness's slot, it has seen the failure too.
  await scale(store, witness.id, 1);
  await eventually(() => tasksOf(store, witness.id).length === 1);
  t.is(liveTasks(store, service.id).length, 0);
  t.is(tasksOf(store, service.id).length, 2);
});

test('max attempts are counted within the restart window only', async (t) => {
  let now = 1_000_000;
  const { store, orchestrator } = await setup({ now: () => now });
  const service = serviceWith(1, { maxAttempts: 1, windowMs: 10_000 });
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  // Tasks get their createdAt from the store's clock, so let the fake clock follow it.
  now = Date.now();
  const first = await eventually(() => liveTasks(store, service.id)[0]);
  await setTaskState(store, first.id, 'FAILED', now);
  const second = await eventually(() => liveTasks(store, service.id)[0]);
  await setTaskState(store, second.id, 'FAILED', now);
  await touch(store, service.id, 'a');
  await scale(store, service.id, 2);
  await eventually(() => tasksOf(store, service.id).some((x) => x.slot === 2));
  t.is(liveTasks(store, service.id).filter((x) => x.slot === 1).length, 0, 'exhausted within the window');
  // Much later, the earlier attempts fall out of the window: the slot restarts.
  now += 60_000;
  await touch(store, service.id, 'b');
  const third = await eventually(() => liveTasks(store, service.id).find((x) => x.slot === 1));
  t.not(third.id, second.id);
});

test('tasks on a drained node are stopped there and replaced; a paused node keeps its tasks', async (t) => {
  const { store, orchestrator } = await setup();
  const drained = makeNode();
  const paused = makeNode();
  const service = serviceWith(2);
  await store.update((tx) => {
    tx.create('nodes', drained);
    tx.create('nodes', paused);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 2);
  const [a, b] = tasksOf(store, service.id).sort((x, y) => x.slot - y.slot);
  const running = makeStatus('RUNNING');
  await store.update((tx) => {
    tx.update('tasks', { ...tx.get('tasks', a!.id)!, nodeId: paused.id, status: running });
    tx.update('tasks', { ...tx.get('tasks', b!.id)!, nodeId: drained.id, status: running });
  });
  await store.update((tx) => {
    for (const [id, availability] of [
      [drained.id, 'DRAIN'],
      [paused.id, 'PAUSE'],
    ] as const) {
      const n = tx.get('nodes', id)!;
      tx.update('nodes', { ...n, spec: { ...n.spec!, availability } });
    }
  });
  const replacement = await eventually(() =>
    tasksOf(store, service.id).find((x) => x.slot === b!.slot && x.id !== b!.id),
  );
  t.is(replacement.desiredState, 'RUNNING');
  const old = store.view((tx) => tx.get('tasks', b!.id));
  t.is(old?.desiredState, 'SHUTDOWN');
  t.regex(old?.status?.message ?? '', /node is drained/);
  t.is(
    store.view((tx) => tx.get('tasks', a!.id)?.desiredState),
    'RUNNING',
  );
});

test('tasks on a node that goes DOWN are replaced', async (t) => {
  const { store, orchestrator } = await setup();
  const up = makeNode();
  const down = makeNode();
  const service = serviceWith(2);
  await store.update((tx) => {
    tx.create('nodes', up);
    tx.create('nodes', down);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 2);
  const [a, b] = tasksOf(store, service.id).sort((x, y) => x.slot - y.slot);
  const place = async (task: Task, nodeId: string) =>
    store.update((tx) =>
      tx.update('tasks', {
        ...tx.get('tasks', task.id)!,
        nodeId,
        status: makeStatus('RUNNING'),
      }),
    );
  await place(a!, up.id);
  await place(b!, down.id);
  await store.update((tx) =>
    tx.update('nodes', {
      ...tx.get('nodes', down.id)!,
      status: { state: 'DOWN', message: 'heartbeat failure', addr: '' },
    }),
  );
  const replacement = await eventually(() =>
    tasksOf(store, service.id).find((x) => x.slot === b!.slot && x.id !== b!.id),
  );
  t.is(replacement.nodeId, '');
  t.is(replacement.desiredState, 'RUNNING');
  const old = store.view((tx) => tx.get('tasks', b!.id));
  t.is(old?.desiredState, 'SHUTDOWN');
  t.regex(old?.status?.message ?? '', /node is down/);
  // The task on the healthy node is untouched.
  t.is(
    store.view((tx) => tx.get('tasks', a!.id)?.desiredState),
    'RUNNING',
  );
  t.deepEqual(slots(liveTasks(store, service.id)), [1, 2]);
});

test('tasks on a node that was removed are replaced', async (t) => {
  const { store, orchestrator } = await setup();
  const node = makeNode();
  const service = serviceWith(1);
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  const first = await eventually(() => tasksOf(store, service.id)[0]);
  await store.update((tx) =>
    tx.update('tasks', {
      ...tx.get('tasks', first.id)!,
      nodeId: node.id,
      status: makeStatus('RUNNING'),
    }),
  );
  await store.update((tx) => tx.delete('nodes', node.id));
  await eventually(() =>
    tasksOf(store, service.id).some((x) => x.id !== first.id && x.desiredState === 'RUNNING'),
  );
  t.is(store.view((tx) => tx.get('tasks', first.id)?.desiredState) ?? 'SHUTDOWN', 'SHUTDOWN');
});

test('removing a service: unassigned tasks are deleted, running ones get desired REMOVE until they stop', async (t) => {
  const { store, orchestrator } = await setup();
  const node = makeNode();
  const service = serviceWith(3);
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  runLoop(t, orchestrator);
  await eventually(() => tasksOf(store, service.id).length === 3);
  const [running, assigned, pending] = tasksOf(store, service.id).sort((x, y) => x.slot - y.slot);
  await store.update((tx) => {
    tx.update('tasks', {
      ...tx.get('tasks', running!.id)!,
      nodeId: node.id,
      status: makeStatus('RUNNING'),
    });
    tx.update('tasks', {
      ...tx.get('tasks', assigned!.id)!,
      nodeId: node.id,
      status: makeStatus('ASSIGNED'),
    });
  });
  await store.update((tx) => tx.delete('services', service.id));

  await eventually(() => store.view((tx) => !tx.get('tasks', pending!.id)));
  await eventually(() => store.view((tx) => tx.get('tasks', running!.id)?.desiredState === 'REMOVE'));
  await eventually(() => store.view((tx) => tx.get('tasks', assigned!.id)?.desiredState === 'REMOVE'));

  await setTaskState(store, running!.id, 'SHUTDOWN');
  await setTaskState(store, assigned!.id, 'REJECTED');
  await eventually(() => tasksOf(store, service.id).length === 0);
  t.is(
    store.view((tx) => tx.all('tasks').length),
    0,
  );
});

test('tasks of a service removed while no orchestrator ran are cleaned up at start', async (t) => {
  const { store, orchestrator } = await setup();
  const service = serviceWith(2);
  const orphans = [makeTask(service, { slot: 1 }), makeTask(service, { slot: 2 })];
  await store.update((tx) => {
    for (const o of orphans) tx.create('tasks', o);
  });
  runLoop(t, orchestrator);
  await eventually(() => store.view((tx) => tx.all('tasks').length === 0));
  t.pass();
});

test('the history per slot is bounded by the cluster taskHistoryLimit', async (t) => {
  const { store, orchestrator } = await setup({ historyLimit: 2 });
  const service = serviceWith(1);
  await store.update((tx) => tx.create('services', service));
  runLoop(t, orchestrator);
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const task = await eventually(() => liveTasks(store, service.id)[0]);
    ids.push(task.id);
    await setTaskState(store, task.id, 'FAILED');
  }
  const last = await eventually(() => liveTasks(store, service.id)[0]);
  // Reaping may trail the restart by one pass.
  await eventually(() => tasksOf(store, service.id).length === 3);
  const kept = tasksOf(store, service.id);
  t.true(kept.some((x) => x.id === last.id));
  t.deepEqual(
    kept
      .filter((x) => x.id !== last.id)
      .map((x) => x.id)
      .sort(),
    ids.slice(-2).sort(),
    'the newest two old tasks are kept',
  );
  t.true(kept.every((x) => x.slot === 1));
});
