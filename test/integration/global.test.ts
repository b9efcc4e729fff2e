/**
 * Service modes end to end with real processes: a global service follows the nodes (one
 * task on each, one more on a node that joins, none left on a drained one), and a
 * replicated job runs its completions a few at a time and does not run them again.
 */
import test from 'ava';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;
let token = '';

const tasksOf = (service: string) => cluster.json<Task[]>('m1', 'service', 'ps', service, '--format', 'raw');
const nodeIds = async () =>
  new Map(
    (await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).map((n) => [
      n.description?.hostname ?? '',
      n.id,
    ]),
  );
/** Hostnames of the nodes where the service has a running task meant to run. */
const runningOn = async (service: string) => {
  const ids = await nodeIds();
  const names = new Map([...ids].map(([name, id]) => [id, name]));
  return (await tasksOf(service))
    .filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING')
    .map((t) => names.get(t.nodeId) ?? t.nodeId)
    .sort();
};

test.before(async () => {
  cluster = await LocalCluster.create();
  const res = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  if (res.code !== 0) throw new Error(res.stderr);
  const q = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  token = q.stdout.trim();
  const w1 = await cluster.join('w1', 'm1', token);
  if (w1.code !== 0) throw new Error(w1.stderr);
  await eventually('2 ready nodes', async () => {
    const nodes = await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    return nodes.filter((n) => n.status?.state === 'READY').length === 2;
  });
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial(
  'a global service runs on every node, follows a joining node and leaves a drained one',
  async (t) => {
    const res = await cluster.cli(
      'm1',
      'service',
      'create',
      '--name',
      'agent',
      '--mode',
      'global',
      'host',
      'sleep',
      '100000',
    );
    t.is(res.code, 0, res.stderr);
    t.regex(res.stdout, /converged/);
    t.deepEqual(await runningOn('agent'), ['m1', 'w1']);
    for (const task of await tasksOf('agent')) t.is(task.slot, 0);

    const w2 = await cluster.join('w2', 'm1', token);
    t.is(w2.code, 0, w2.stderr);
    await eventually('a task on w2', async () => (await runningOn('agent')).includes('w2'));

    const drain = await cluster.cli('m1', 'node', 'update', '--availability', 'drain', 'w1');
    t.is(drain.code, 0, drain.stderr);
    await eventually('w1 drained of its global task', async () => {
      const w1 = (await nodeIds()).get('w1');
      const onW1 = (await tasksOf('agent')).filter((x) => x.nodeId === w1);
      return onW1.every((x) => x.desiredState === 'SHUTDOWN' && x.status?.state !== 'RUNNING');
    });
    // Not replaced elsewhere: one task on each of the other nodes.
    t.deepEqual(await runningOn('agent'), ['m1', 'w2']);
    const ls = await cluster.cli('m1', 'service', 'ls');
    t.regex(ls.stdout, /agent\s+global\s+2\/2/);
  },
);

test.serial('a replicated job completes its tasks a few at a time and does not restart them', async (t) => {
  const res = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'batch',
    '--mode',
    'replicated-job',
    '--replicas',
    '4',
    '--max-concurrent',
    '2',
    'host',
    'sh',
    '-c',
    'sleep 0.2',
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /4\/4 completed/);
  const done = await eventually('4 completed tasks', async () => {
    const tasks = await tasksOf('batch');
    return tasks.filter((x) => x.status?.state === 'COMPLETE').length === 4 && tasks;
  });
  t.deepEqual(done.map((x) => x.slot).sort(), [1, 2, 3, 4]);
  t.is(done.length, 4);
  const ls = await cluster.cli('m1', 'service', 'ls');
  t.regex(ls.stdout, /batch\s+replicated-job\s+4\/4 completed/);
  // The witness that the job orchestrator is past every change to 'batch': it has run a job
  // created after them (one loop takes its changes in order, and a pass reconciles all it noted).
  const probe = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'probe',
    '--mode',
    'replicated-job',
    '--replicas',
    '1',
    'host',
    'true',
  );
  t.regex(probe.stdout, /1\/1 completed/, probe.stderr);
  // Still four tasks, all complete.
  const after = await tasksOf('batch');
  t.is(after.length, 4);
  t.true(after.every((x) => x.status?.state === 'COMPLETE'));
});
