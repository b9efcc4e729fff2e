import test, { type ExecutionContext } from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { ControlLoop } from '../../../manager/control-loop.js';
import { GlobalOrchestrator } from '../../../manager/orchestrator/global.js';
import { ReplicatedOrchestrator } from '../../../manager/orchestrator/replicated.js';
import { Updater } from '../../../manager/orchestrator/updater.js';
import { rollBack, promoted, rolledBack, withSpec } from '../../../manager/services/versions.js';
import { DEFAULT_UPDATE_CONFIG } from '../../../proto/service-update.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { PortConfig } from '../../../proto/gen/flotilla/PortConfig.js';
import { isTerminal, type Service, type Task, type UpdateConfig } from '../../../proto/types.js';
import { eventually, makeNode, makeService, makeSpec, runLoop } from '../helpers.js';

const log = silentLogger();

/**
 * Every worker at once: a pending task is placed on the node and runs; a task meant to stop
 * stops; a task whose environment has FAIL=1 fails 30 ms after it started running; one with
 * STUCK=1 stays pending, as a task no node can take.
 */
class FakeWorkers {
  private readonly loop: ControlLoop;

  constructor(
    private readonly store: Store,
    private readonly nodeIds: string[],
  ) {
    this.loop = new ControlLoop(
      'fake-workers',
      store,
      { tables: ['tasks'] },
      { start: () => undefined, event: () => true, reconcile: () => this.step() },
      log,
      1,
    );
  }

  run(signal: AbortSignal): Promise<void> {
    return this.loop.run(signal);
  }

  private async step(): Promise<void> {
    const now = Date.now();
    await this.store.update((tx) => {
      for (const t of tx.all('tasks')) {
        const state = t.status?.state ?? 'NEW';
        if (isTerminal(state)) continue;
        const status = { ...t.status!, timestamp: now };
        if (t.desiredState !== 'RUNNING') {
          tx.update('tasks', { ...t, status: { ...status, state: 'SHUTDOWN' } });
        } else if (state === 'PENDING' && t.spec?.container?.env.includes('STUCK=1')) {
          const err = 'no suitable node: insufficient memory on 1 node';
          if (t.status?.err !== err) tx.update('tasks', { ...t, status: { ...status, err } });
        } else if (state === 'PENDING' || state === 'ASSIGNED') {
          const slot = Math.max(0, t.slot - 1);
          const nodeId = t.nodeId || this.nodeIds[slot % this.nodeIds.length]!;
          tx.update('tasks', { ...t, nodeId, runningSince: now, status: { ...status, state: 'RUNNING' } });
        } else if (state === 'RUNNING' && t.spec?.container?.env.includes('FAIL=1')) {
          if (now - t.runningSince >= 30) {
            tx.update('tasks', {
              ...t,
              status: { ...status, state: 'FAILED', err: 'task: non-zero exit (1)' },
            });
          } else setTimeout(() => this.loop.poke(), 35);
        }
      }
    });
  }
}

const policy = (p: Partial<UpdateConfig>): UpdateConfig => ({
  ...DEFAULT_UPDATE_CONFIG,
  monitorMs: 300,
  ...p,
});

async function setup(
  t: ExecutionContext,
  opts: { replicas?: number; update?: Partial<UpdateConfig>; global?: boolean; nodes?: number } = {},
) {
  const store = await MemoryStore.open();
  const nodes = Array.from({ length: opts.nodes ?? 1 }, () => makeNode());
  const spec = makeSpec({ name: 'web' }, opts.replicas ?? 3);
  if (opts.global) Object.assign(spec, { mode: 'global', replicated: undefined, global: {} });
  spec.update = policy(opts.update ?? {});
  spec.rollback = policy({});
  spec.task!.restart!.delayMs = 50;
  const service = makeService(spec);
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', service);
  });
  runLoop(
    t,
    new FakeWorkers(
      store,
      nodes.map((n) => n.id),
    ),
  );
  runLoop(t, opts.global ? new GlobalOrchestrator(store, log) : new ReplicatedOrchestrator(store, log));
  const updater = runLoop(t, new Updater(store, log));
  const running = () => runningTasks(store, service.id);
  await eventually(() => running().length === (opts.global ? nodes.length : (opts.replicas ?? 3)));
  return { store, service, updater, nodes, running };
}

function runningTasks(store: Store, serviceId: string): Task[] {
  return store.view((tx) =>
    tx.tasksByService(serviceId).filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING'),
  );
}

const getService = (store: Store, id: string) => store.view((tx) => tx.get('services', id)!);

/** Changes the service as `cluster service update` does. */
async function update(store: Store, id: string, change: (s: Service) => void): Promise<void> {
  await store.update((tx) => {
    const current = tx.get('services', id)!;
    const spec = structuredClone(current.spec!);
    const next = { ...current, spec };
    change(next);
    tx.update('services', withSpec(current, next.spec!, Date.now()));
  });
}

const setEnv = (env: string[]) => (s: Service) => (s.spec!.task!.container!.env = env);

async function settled(store: Store, id: string, state: string) {
  await eventually(() => getService(store, id).updateStatus?.state === state, {
    message: `update status ${state}`,
  });
}

test('replaces every task whose spec changed, and completes', async (t) => {
  const { store, service, running } = await setup(t, { update: { parallelism: 2 } });
  await update(store, service.id, setEnv(['V=2']));
  t.is(getService(store, service.id).updateStatus?.state, 'UPDATING');
  await settled(store, service.id, 'UPDATE_COMPLETED');
  const tasks = running();
  t.is(tasks.length, 3);
  t.true(tasks.every((task) => task.spec?.container?.env.includes('V=2') && task.specVersion === 2));
  // One old task shut down per slot: each slot was replaced once.
  const all = store.view((tx) => tx.tasksByService(service.id));
  t.is(all.length, 6);
});

test('a change outside the task spec replaces nothing; a forced update replaces everything', async (t) => {
  const { store, service, running } = await setup(t);
  const before = running().map((task) => task.id);
  await update(store, service.id, (s) => (s.spec!.update = policy({ parallelism: 3 })));
  t.is(getService(store, service.id).specVersion, 1);
  t.is(getService(store, service.id).updateStatus, null);
  await update(store, service.id, (s) => (s.spec!.task!.forceUpdate += 1));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  const after = running().map((task) => task.id);
  t.is(after.length, 3);
  t.false(after.some((id) => before.includes(id)));
});

test('a new version that fails pauses the update after the first batch', async (t) => {
  // The delay holds the next batch until after the first task has failed.
  const { store, service, running } = await setup(t, { update: { parallelism: 1, delayMs: 200 } });
  await update(store, service.id, setEnv(['FAIL=1']));
  await settled(store, service.id, 'UPDATE_PAUSED');
  const status = getService(store, service.id).updateStatus!;
  t.regex(status.message, /update paused: 1 of 3 tasks failed \(web\.1: task: non-zero exit \(1\)\)/);
  // Slots 2 and 3 still run the old spec.
  const old = running().filter((task) => !task.spec?.container?.env.includes('FAIL=1'));
  t.deepEqual(old.map((task) => task.slot).sort(), [2, 3]);
});

test('a paused update resumes when the service is updated again without a task change', async (t) => {
  const { store, service, running } = await setup(t, { update: { parallelism: 3 } });
  await update(store, service.id, setEnv(['FAIL=1']));
  await settled(store, service.id, 'UPDATE_PAUSED');
  // Fixed by hand: the spec is what it was, so resuming completes with the fixed version.
  await update(store, service.id, setEnv(['V=3']));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  await update(store, service.id, setEnv(['FAIL=1']));
  await settled(store, service.id, 'UPDATE_PAUSED');
  await update(store, service.id, (s) => (s.spec!.update = policy({ failureAction: 'FAILURE_CONTINUE' })));
  t.is(getService(store, service.id).updateStatus?.state, 'UPDATING');
  await settled(store, service.id, 'UPDATE_COMPLETED');
  t.true(running().every((task) => task.slot > 0));
});

test('failure action rollback returns to the previous spec with the rollback policy', async (t) => {
  const { store, service, running } = await setup(t, { update: { failureAction: 'FAILURE_ROLLBACK' } });
  await update(store, service.id, setEnv(['FAIL=1']));
  await settled(store, service.id, 'ROLLBACK_COMPLETED');
  const s = getService(store, service.id);
  t.is(s.specVersion, 3);
  t.deepEqual(s.spec?.task?.container?.env, []);
  t.regex(s.updateStatus!.message, /update to version 2 rolled back: .* \(back to the spec of v1\)/);
  await eventually(
    () => running().length === 3 && running().every((task) => task.spec?.container?.env.length === 0),
  );
  t.deepEqual(
    s.specHistory.map((v) => v.version),
    [1, 2],
  );
});

test('rollback to a version of the history; an unknown version is refused', async (t) => {
  const { store, service, running } = await setup(t);
  await update(store, service.id, setEnv(['V=2']));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  await update(store, service.id, setEnv(['V=3']));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  t.throws(() => rolledBack(getService(store, service.id), 9, Date.now(), 'test'), {
    message: /no version 9/,
  });
  await store.update((tx) =>
    tx.update('services', rolledBack(tx.get('services', service.id)!, 1, Date.now(), 'asked')),
  );
  await settled(store, service.id, 'ROLLBACK_COMPLETED');
  await eventually(
    () => running().length === 3 && running().every((task) => task.spec?.container?.env.length === 0),
  );
});

test('start-first never has fewer than N tasks running', async (t) => {
  const { store, service, running } = await setup(t, {
    replicas: 4,
    update: { parallelism: 2, order: 'START_FIRST' },
  });
  let fewest = Infinity;
  const ac = new AbortController();
  const watching = (async () => {
    for await (const _ of store.watch({ tables: ['tasks'] }, ac.signal)) {
      fewest = Math.min(fewest, running().length);
    }
  })();
  await update(store, service.id, setEnv(['V=2']));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  ac.abort();
  await watching;
  t.true(fewest >= 4, `fewest running during the update: ${fewest}`);
  t.true(running().every((task) => task.spec?.container?.env.includes('V=2')));
});

test('a start-first update rolled back leaves its failed tasks marked shut down, not meant to run', async (t) => {
  const { store, service, running } = await setup(t, {
    replicas: 4,
    update: { parallelism: 2, order: 'START_FIRST', failureAction: 'FAILURE_ROLLBACK' },
  });
  await update(store, service.id, setEnv(['FAIL=1']));
  await settled(store, service.id, 'ROLLBACK_COMPLETED');
  await eventually(() => running().length === 4);
  const failed = await eventually(() => {
    const tasks = store.view((tx) => tx.tasksByService(service.id));
    const stopped = tasks.filter((x) => x.status?.state === 'FAILED');
    return stopped.length > 0 && stopped.every((x) => x.desiredState === 'SHUTDOWN') && stopped;
  });
  t.true(failed.every((x) => x.spec?.container?.env.includes('FAIL=1')));
  // Every slot's one task meant to run is the old spec's, running.
  const wanted = store
    .view((tx) => tx.tasksByService(service.id))
    .filter((x) => x.desiredState === 'RUNNING');
  t.is(wanted.length, 4);
  t.true(wanted.every((x) => x.status?.state === 'RUNNING' && x.spec?.container?.env.length === 0));
});

test('an update whose new task cannot run within the update timeout pauses with the reason', async (t) => {
  const { store, service, running } = await setup(t, { update: { timeoutMs: 300 } });
  await update(store, service.id, setEnv(['STUCK=1']));
  await settled(store, service.id, 'UPDATE_PAUSED');
  t.regex(
    getService(store, service.id).updateStatus!.message,
    /^update paused: task web\.1 has not run after less than a second: no suitable node: insufficient memory on 1 node; resume with `cluster service update web`$/,
  );
  // Stop-first took one slot's old task down; the other two still run the old spec.
  t.is(running().length, 2);
});

test('a new updater (a new leader) continues an update where the last one left it', async (t) => {
  const { store, service, updater, running } = await setup(t, {
    replicas: 4,
    update: { parallelism: 1, delayMs: 150 },
  });
  await update(store, service.id, setEnv(['V=2']));
  await eventually(() => running().filter((task) => task.specVersion === 2).length >= 1);
  updater.abort();
  const replacedBefore = running()
    .filter((task) => task.specVersion === 2)
    .map((task) => task.id);
  runLoop(t, new Updater(store, log));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  const now = running();
  t.true(now.every((task) => task.specVersion === 2));
  // The slots it had already replaced were not replaced again.
  for (const id of replacedBefore) t.true(now.some((task) => task.id === id));
  t.is(store.view((tx) => tx.tasksByService(service.id)).length, 8);
});

test('a global service is updated node by node', async (t) => {
  const { store, service, running } = await setup(t, { global: true, nodes: 3, update: { parallelism: 1 } });
  await update(store, service.id, setEnv(['V=2']));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  const tasks = running();
  t.is(tasks.length, 3);
  t.is(new Set(tasks.map((task) => task.nodeId)).size, 3);
  t.true(tasks.every((task) => task.specVersion === 2));
});

test('canaries run beside the old tasks until promoted, then the update goes on', async (t) => {
  const { store, service, running } = await setup(t, { replicas: 4, update: { parallelism: 2, canary: 1 } });
  await update(store, service.id, setEnv(['V=2']));
  await eventually(() => getService(store, service.id).updateStatus?.awaitingPromotion);
  const now = running();
  t.is(now.length, 5);
  t.deepEqual(
    now.filter((task) => task.canary).map((task) => [task.slot, task.specVersion]),
    [[1, 2]],
  );
  await store.update((tx) => tx.update('services', promoted(tx.get('services', service.id)!)));
  await settled(store, service.id, 'UPDATE_COMPLETED');
  await eventually(() => running().length === 4 && running().every((task) => task.specVersion === 2));
});

test('a rollback discards the canaries; auto-promote goes on by itself', async (t) => {
  const { store, service, running } = await setup(t, { replicas: 3, update: { canary: 2 } });
  await update(store, service.id, setEnv(['V=2']));
  await eventually(() => getService(store, service.id).updateStatus?.awaitingPromotion);
  await store.update((tx) => rollBack(tx, tx.get('services', service.id)!, 0, Date.now(), 'asked'));
  await settled(store, service.id, 'ROLLBACK_COMPLETED');
  await eventually(() => running().length === 3 && running().every((task) => !task.canary));
  t.true(running().every((task) => task.specVersion === 1));

  await update(store, service.id, (s) => {
    s.spec!.update = policy({ canary: 1, autoPromote: true });
    s.spec!.task!.container!.env = ['V=4'];
  });
  await settled(store, service.id, 'UPDATE_COMPLETED');
  t.true(getService(store, service.id).updateStatus?.promoted);
  await eventually(
    () => running().length === 3 && running().every((task) => task.spec?.container?.env[0] === 'V=4'),
  );
});

test('a change of published ports replaces the tasks; a rollback reserves the old ports again', async (t) => {
  const { store, service, running } = await setup(t, { replicas: 2 });
  const port = (publishedPort: number): PortConfig => ({
    targetPort: 80,
    publishedPort,
    protocol: 'TCP',
    mode: 'INGRESS',
  });
  // As `service update --publish-add` does: the spec asks for the port, the service holds it.
  const publish = (publishedPort: number) =>
    store.update((tx) => {
      const current = tx.get('services', service.id)!;
      const endpoint = {
        ports: [port(publishedPort)],
        lb: 'ROUND_ROBIN' as const,
        proxyProtocol: false,
        mesh: 'MESH_AUTO' as const,
      };
      const held = { ...current, endpoint: { ports: [port(publishedPort)] } };
      tx.update('services', withSpec(held, { ...current.spec!, endpoint }, Date.now(), true));
    });
  const first = running().map((task) => task.id);
  await publish(8080);
  await settled(store, service.id, 'UPDATE_COMPLETED');
  await eventually(() => running().length === 2 && running().every((task) => task.specVersion === 2));
  t.false(running().some((task) => first.includes(task.id)));
  t.true(running().every((task) => task.endpoint?.ports[0]?.publishedPort === 8080));

  await publish(9090);
  await settled(store, service.id, 'UPDATE_COMPLETED');
  await store.update((tx) => rollBack(tx, tx.get('services', service.id)!, 0, Date.now(), 'asked'));
  t.deepEqual(
    getService(store, service.id).endpoint?.ports.map((p) => p.publishedPort),
    [8080],
  );
  await settled(store, service.id, 'ROLLBACK_COMPLETED');
  await eventually(
    () =>
      running().length === 2 && running().every((task) => task.endpoint?.ports[0]?.publishedPort === 8080),
  );
});
