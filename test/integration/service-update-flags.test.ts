/**
 * `cluster service update` with the flags that change the task spec beyond image, env and
 * args, against real nodes and the process runtime: one update with a representative set
 * (a constraint that moves the tasks from the manager to the workers, a memory limit, a
 * restart policy, a working directory and an env file, which the process runtime honours, a
 * container label, and a port published in host mode) rolls out as a new version whose tasks
 * replace the old ones, and the spec holds both what the update named and what create set.
 * Nothing about timing is asserted.
 */
import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { eventually, freePort, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1');
  if (init.code !== 0) throw new Error(init.stderr);
  const token = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  for (const w of ['w1', 'w2']) {
    const join = await cluster.join(w, 'm1', token.stdout.trim());
    if (join.code !== 0) throw new Error(join.stderr);
  }
});

test.after.always(async () => {
  await cluster?.destroy();
});

const running = (ts: Task[]) =>
  ts.filter((task) => task.desiredState === 'RUNNING' && task.status?.state === 'RUNNING');

test('one update with many flags rolls out as a new version and the spec keeps the rest', async (t) => {
  t.timeout(300_000);
  const control = connect(wire.flotilla.Control, cluster.addr('m1'), cluster.adminTls());
  const tasksOf = async () =>
    (await call(control, control.ListTasks, { services: ['flags'], nodes: [] })).tasks;
  const serviceOf = async () => (await call(control, control.GetService, { service: 'flags' })).service!;

  // Each task notes its working directory in $MARK/cwd, then sleeps.
  const mark = await mkdtemp(join(tmpdir(), 'flotilla-update-flags-'));
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'flags', '--replicas', '2', '--constraint', 'node.role==manager'],
    ...['--env', `MARK=${mark}`, '--label', 'team=a', '--container-label', 'keep=1'],
    ...['--restart-delay', '300ms', '--stop-signal', 'SIGINT', '--reserve-memory', '1M'],
    ...['--update-parallelism', '2', '--update-monitor', '500ms'],
    ...['host', 'sh', '-c', 'pwd >> "$MARK/cwd"; exec sleep 100000'],
  );
  t.is(create.code, 0, create.stdout + create.stderr);
  const { nodes } = await call(control, control.ListNodes, {});
  const idOf = (name: string) => nodes.find((n: Node) => n.description?.hostname === name)?.id;
  // create stops waiting early when a task cannot be placed yet, so this waits on its own.
  const before = await eventually('two v1 tasks running', async () => {
    const now = running(await tasksOf());
    return now.length === 2 && now;
  });
  t.true(before.every((task) => task.nodeId === idOf('m1')));

  const envFile = join(mark, 'env');
  await writeFile(envFile, 'FROM_FILE=1\n');
  const port = await freePort();
  const update = await cluster.cli(
    'm1',
    ...[
      'service',
      'update',
      '--constraint-rm',
      'node.role==manager',
      '--constraint-add',
      'node.role==worker',
    ],
    ...['--limit-memory', '64M', '--restart-condition', 'on-failure', '--restart-max-attempts', '2'],
    ...['--workdir', mark, '--env-file', envFile, '--container-label-add', 'tier=web'],
    ...['--publish-add', `published=${port},target=${port},mode=host`, 'flags'],
  );
  t.is(update.code, 0, update.stdout + update.stderr);
  t.regex(update.stdout, /flags\.1 {2}v1 → v2/);
  t.regex(update.stdout, /flags: converged \(v2\)/);

  const s: Service = await serviceOf();
  t.is(s.specVersion, 2);
  t.is(s.updateStatus?.state, 'UPDATE_COMPLETED');
  const task = s.spec?.task;
  const container = task?.container;
  t.deepEqual(task?.placement?.constraints, ['node.role==worker']);
  t.is(task?.resources?.limits?.memoryBytes, 64 * 2 ** 20);
  t.is(task?.resources?.reservations?.memoryBytes, 2 ** 20, 'the reservation of create is kept');
  t.like(task?.restart, { condition: 'RESTART_ON_FAILURE', maxAttempts: 2, delayMs: 300 });
  t.is(container?.dir, mark);
  t.deepEqual(container?.env, [`MARK=${mark}`, 'FROM_FILE=1']);
  t.deepEqual(container?.labels, { keep: '1', tier: 'web' });
  t.is(container?.stopSignal, 'SIGINT');
  t.deepEqual(container?.args, ['sh', '-c', 'pwd >> "$MARK/cwd"; exec sleep 100000']);
  t.deepEqual(s.spec?.labels, { team: 'a' });
  t.like(s.spec?.endpoint?.ports[0], { publishedPort: port, targetPort: port, mode: 'HOST' });

  // The tasks were replaced: new ones, of v2, one on each worker (host mode allows one a node).
  const after = await eventually('two v2 tasks running', async () => {
    const now = running(await tasksOf());
    return now.length === 2 && now.every((x) => x.specVersion === 2) && now;
  });
  t.false(after.some((x) => before.some((b) => b.id === x.id)));
  t.deepEqual(after.map((x) => x.nodeId).sort(), [idOf('w1'), idOf('w2')].sort());
  t.true(after.every((x) => x.endpoint?.ports.some((p) => p.publishedPort === port && p.mode === 'HOST')));
  // The working directory is honoured: the new tasks started in it.
  await eventually('the new tasks noted their directory', async () => {
    const lines = (await readFile(join(mark, 'cwd'), 'utf8')).trim().split('\n');
    return lines.filter((l) => l === mark).length >= 2;
  });
  control.close();
});
