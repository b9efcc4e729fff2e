/**
 * Rolling updates with real processes: a failing new version pauses the update or rolls it
 * back as configured (and the CLI's exit code says which); start-first with a health check
 * never has fewer than N running and healthy tasks (sampled while it runs); a leader killed
 * in the middle of an update is followed by one that continues it. Short monitor and delay
 * values keep it quick; nothing about timing is asserted.
 */
import test from 'ava';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { eventually, LocalCluster } from './cluster-harness.js';

/** A version that starts, runs a moment, then exits 1. */
const FAILING = "sh -c 'sleep 0.3; exit 1'";

let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1');
  if (init.code !== 0) throw new Error(init.stderr);
});

test.after.always(async () => {
  await cluster?.destroy();
});

const service = async (via: string, name: string) =>
  (await cluster.json<Service[]>(via, 'service', 'inspect', name))[0]!;
const tasks = (via: string, name: string) =>
  cluster.json<Task[]>(via, 'service', 'ps', name, '--format', 'raw');
const running = (ts: Task[]) =>
  ts.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
const envOf = (t: Task) => t.spec?.container?.env ?? [];

test.serial('a failing new version pauses the update; the other slots keep the old version', async (t) => {
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'pausing', '--replicas', '3', '--restart-delay', '200ms'],
    ...['--update-monitor', '2s', '--update-delay', '1s', 'host', 'sleep', '100000'],
  );
  t.is(create.code, 0, create.stderr);
  t.regex(create.stdout, /pausing: converged \(v1\)/);

  const update = await cluster.cli(
    'm1',
    'service',
    'update',
    '--env-add',
    'V=2',
    '--args',
    FAILING,
    'pausing',
  );
  t.is(update.code, 3, update.stdout + update.stderr);
  t.regex(update.stdout, /pausing\.1 {2}v1 → v2/);
  t.regex(update.stdout, /update paused: \d of 3 tasks failed \(pausing\.\d: task: non-zero exit \(1\)\)/);
  const s = await service('m1', 'pausing');
  t.is(s.updateStatus?.state, 'UPDATE_PAUSED');
  const old = running(await tasks('m1', 'pausing')).filter((task) => !envOf(task).includes('V=2'));
  // The delay held the next batches back: the last slot still runs the old version.
  t.true(old.some((task) => task.slot === 3));

  const history = await cluster.cli('m1', 'service', 'history', 'pausing');
  t.regex(history.stdout, /1 +host +sleep 100000/);
  t.regex(history.stdout, /2 \(current\) +host +sh -c sleep 0\.3; exit 1 +V=2/);
  t.regex(history.stdout, /update: update paused/);

  // Back by hand, to version 1.
  const back = await cluster.cli('m1', 'service', 'rollback', '--to-version', '1', 'pausing');
  t.is(back.code, 0, back.stdout + back.stderr);
  t.regex(back.stdout, /pausing: converged \(v3\)/);
  const after = running(await tasks('m1', 'pausing'));
  t.is(after.length, 3);
  t.true(after.every((task) => !envOf(task).includes('V=2')));
});

test.serial('failure action rollback: the update is rolled back and the CLI says so', async (t) => {
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '-d', '--name', 'rolling', '--replicas', '2', '--restart-delay', '200ms'],
    ...['--update-monitor', '2s', '--update-failure-action', 'rollback', '--rollback-monitor', '500ms'],
    ...['host', 'sleep', '100000'],
  );
  t.is(create.code, 0, create.stderr);
  await eventually('rolling runs', async () => running(await tasks('m1', 'rolling')).length === 2);

  const update = await cluster.cli('m1', 'service', 'update', '--args', FAILING, 'rolling');
  t.is(update.code, 4, update.stdout + update.stderr);
  t.regex(update.stdout, /update to version 2 rolled back: .*\(back to the spec of v1\); now at v3/);
  const s = await service('m1', 'rolling');
  t.is(s.updateStatus?.state, 'ROLLBACK_COMPLETED');
  t.deepEqual(s.spec?.task?.container?.args, ['sleep', '100000']);
  const now = running(await tasks('m1', 'rolling'));
  t.is(now.length, 2);
  t.true(now.every((task) => task.spec?.container?.args.join(' ') === 'sleep 100000'));
});

test.serial('start-first with a health check never has fewer than N running and healthy tasks', async (t) => {
  // Healthy half a second after it starts: a file the check looks for in the task's directory.
  const command = ['sh', '-c', 'sleep 0.5; touch ready; exec sleep 100000'];
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'healthy', '--replicas', '3', '--health-cmd', 'test -f ready'],
    ...['--health-interval', '200ms', '--health-retries', '50', '--update-order', 'start-first'],
    ...['--update-monitor', '500ms', 'host', ...command],
  );
  t.is(create.code, 0, create.stderr);
  const ps = await cluster.cli('m1', 'service', 'ps', 'healthy');
  t.regex(ps.stdout, /Running \(healthy\)/);

  // Sampled through the Control API: a CLI per sample can outlast the whole update on a busy machine.
  const control = connect(wire.flotilla.Control, cluster.addr('m1'), cluster.adminTls());
  t.teardown(() => control.close());
  const update = await cluster.cli('m1', 'service', 'update', '-d', '--env-add', 'V=2', 'healthy');
  t.is(update.code, 0, update.stderr);
  let fewest = Infinity;
  let samples = 0;
  await eventually(
    'the update completed',
    async () => {
      const { tasks: now } = await call(control, control.ListTasks, { services: ['healthy'], nodes: [] });
      const healthy = running(now).filter((task) => task.status?.health === 'HEALTHY');
      fewest = Math.min(fewest, healthy.length);
      samples++;
      const { service: s } = await call(control, control.GetService, { service: 'healthy' });
      return s?.updateStatus?.state === 'UPDATE_COMPLETED';
    },
    60_000,
  );
  t.true(samples > 1);
  t.true(fewest >= 3, `fewest running and healthy during the update: ${fewest}`);
  const after = running(await tasks('m1', 'healthy'));
  t.is(after.length, 3);
  t.true(after.every((task) => envOf(task).includes('V=2') && task.status?.health === 'HEALTHY'));
});

test.serial('an unhealthy task fails and is replaced', async (t) => {
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '-d', '--name', 'sick', '--restart-delay', '200ms', '--health-cmd', 'false'],
    ...['--health-interval', '100ms', '--health-retries', '2', 'host', 'sleep', '100000'],
  );
  t.is(create.code, 0, create.stderr);
  const failed = await eventually('an unhealthy task', async () => {
    const ts = await tasks('m1', 'sick');
    return ts.length >= 2 && ts.find((task) => task.status?.state === 'FAILED');
  });
  t.regex(failed.status?.err ?? '', /unhealthy/);
  t.is(failed.status?.health, 'UNHEALTHY');
  await cluster.cli('m1', 'service', 'rm', 'sick');
});

test.serial('a canary runs beside the old tasks until promoted', async (t) => {
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '-d', '--name', 'canary', '--replicas', '2', '--update-canary', '1'],
    ...['--update-monitor', '300ms', 'host', 'sleep', '100000'],
  );
  t.is(create.code, 0, create.stderr);
  await eventually('canary runs', async () => running(await tasks('m1', 'canary')).length === 2);
  const update = await cluster.cli('m1', 'service', 'update', '--env-add', 'V=2', 'canary');
  t.is(update.code, 0, update.stdout + update.stderr);
  t.regex(
    update.stdout,
    /the canaries of v2 run beside the old tasks; go on with `cluster service promote canary`/,
  );
  const beside = running(await tasks('m1', 'canary'));
  t.is(beside.length, 3);
  t.deepEqual(
    beside.filter((task) => task.canary).map((task) => envOf(task)),
    [['V=2']],
  );
  const promote = await cluster.cli('m1', 'service', 'promote', 'canary');
  t.is(promote.code, 0, promote.stdout + promote.stderr);
  t.regex(promote.stdout, /canary: converged \(v2\)/);
  const after = running(await tasks('m1', 'canary'));
  t.is(after.length, 2);
  t.true(after.every((task) => envOf(task).includes('V=2')));
  await cluster.cli('m1', 'service', 'rm', 'canary');
});

test.serial('a leader killed in the middle of an update: the next leader continues it', async (t) => {
  for (const m of ['m2', 'm3']) {
    const res = await cluster.joinManager(m, 'm1');
    t.is(res.code, 0, res.stderr);
  }
  const leader = (await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).find(
    (n) => n.managerStatus?.leader,
  )?.description?.hostname;
  if (!leader) throw new Error('no leader');
  const via = ['m1', 'm2', 'm3'].find((m) => m !== leader)!;
  // The tasks keep off the leader to be killed, so that none is replaced for its loss.
  const create = await cluster.cli(
    via,
    ...[
      'service',
      'create',
      '--name',
      'steady',
      '--replicas',
      '4',
      '--constraint',
      `node.hostname!=${leader}`,
    ],
    ...['--update-delay', '1s', '--update-monitor', '300ms', 'host', 'sleep', '100000'],
  );
  t.is(create.code, 0, create.stderr);
  const update = await cluster.cli(via, 'service', 'update', '-d', '--env-add', 'V=2', 'steady');
  t.is(update.code, 0, update.stderr);
  const done = await eventually('one slot updated', async () => {
    const ts = running(await tasks(via, 'steady')).filter((task) => envOf(task).includes('V=2'));
    return ts.length >= 1 && ts.length < 4 && ts;
  });
  await cluster.stop(leader, 'SIGKILL');

  await eventually(
    'the update completed under the next leader',
    async () => (await service(via, 'steady')).updateStatus?.state === 'UPDATE_COMPLETED',
    90_000,
  );
  const after = running(await tasks(via, 'steady'));
  t.is(after.length, 4);
  t.true(after.every((task) => envOf(task).includes('V=2')));
  // Slots updated before the kill were not updated again.
  for (const task of done) t.true(after.some((a) => a.id === task.id));
  const all = await tasks(via, 'steady');
  t.is(all.filter((task) => envOf(task).includes('V=2')).length, 4);
});
