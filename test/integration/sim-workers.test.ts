/**
 * `cluster sim-workers` against a real one-manager cluster: simulated nodes join as workers,
 * a service of any image converges on them, a simulated node that dies is seen down and its
 * tasks move, and a restart of sim-workers resumes the same nodes from its state dir.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

let cluster: LocalCluster;
const sims = new Set<ChildProcess>();

test.before(async () => {
  cluster = await LocalCluster.create();
});

test.after.always(async () => {
  for (const p of sims) p.kill('SIGKILL');
  await cluster?.destroy();
});

function simWorkers(count: number, stateDir: string, prefix: string, token: string): ChildProcess {
  const p = spawn(
    process.execPath,
    [cli, 'sim-workers', '--count', String(count), '--manager', cluster.addr('m1')].concat([
      '--token',
      token,
      '--state-dir',
      stateDir,
      '--prefix',
      prefix,
    ]),
    { stdio: 'ignore' },
  );
  sims.add(p);
  p.once('exit', () => sims.delete(p));
  return p;
}

const exited = (p: ChildProcess) => new Promise((resolve) => p.once('exit', resolve));

const workers = async () =>
  (await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).filter((n) => n.role === 'WORKER');

const hostnameOf = (nodes: Node[], id: string) => nodes.find((n) => n.id === id)?.description?.hostname;

const running = async () =>
  (await cluster.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw')).filter(
    (t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING',
  );

test('simulated workers join, run a service of any image, and are seen down when they die', async (t) => {
  t.timeout(300_000);
  t.is((await cluster.init('m1')).code, 0);
  const token = (await cluster.cli('m1', 'join-token', 'worker', '-q')).stdout.trim();
  // A refusal comes back as the managers word it (the join is not made through grpc-js).
  const forged = token.replace(/-[^-]+$/, '-0123456789abcdef0123456789abcdef');
  const refused = await runCli(
    ['sim-workers', '--count', '1', '--manager', cluster.addr('m1'), '--token', forged].concat([
      '--state-dir',
      join(cluster.root, 'sim-forged'),
    ]),
  );
  t.is(refused.code, 1);
  t.regex(refused.stderr, /join token is not valid/);
  const many = simWorkers(19, join(cluster.root, 'sim-a'), 'sima', token);
  const one = simWorkers(1, join(cluster.root, 'sim-b'), 'simb', token);

  const ready = await eventually(
    '20 simulated workers ready',
    async () => {
      const nodes = await workers();
      return nodes.filter((n) => n.status?.state === 'READY').length === 20 && nodes;
    },
    120_000,
  );
  t.is(ready.length, 20);
  t.true(ready.every((n) => /^sim[ab]-\d{5}$/.test(n.description?.hostname ?? '')));
  // Each node of a process its own address (two processes number their nodes alike).
  const ofMany = ready.filter((n) => n.description?.hostname?.startsWith('sima-'));
  t.is(new Set(ofMany.map((n) => n.status?.addr)).size, 19);

  const created = await cluster.cli(
    'm1',
    'service',
    'create',
    '-d',
    '--name',
    'web',
    '--replicas',
    '100',
    'sim-image',
  );
  t.is(created.code, 0, created.stderr);
  const placed = await eventually(
    '100 tasks running',
    async () => {
      const tasks = await running();
      return tasks.length === 100 && tasks;
    },
    120_000,
  );
  const lost = placed.filter((task) => hostnameOf(ready, task.nodeId) === 'simb-00000');
  t.true(lost.length > 0, 'the spread puts tasks on every node');

  // A simulated node dies: the managers see it down, and its tasks run elsewhere.
  const gone = exited(one);
  one.kill('SIGKILL');
  await gone;
  await eventually('simb-00000 down', async () =>
    (await workers()).some((n) => n.description?.hostname === 'simb-00000' && n.status?.state === 'DOWN'),
  );
  const moved = await eventually(
    '100 tasks running on the 19 others',
    async () => {
      const tasks = await running();
      return (
        tasks.length === 100 &&
        tasks.every((task) => hostnameOf(ready, task.nodeId) !== 'simb-00000') &&
        tasks
      );
    },
    120_000,
  );
  t.is(moved.length, 100);

  // A restart resumes the same nodes from the state dir: no new node joins.
  const stopped = exited(many);
  many.kill('SIGTERM');
  await stopped;
  simWorkers(19, join(cluster.root, 'sim-a'), 'sima', token);
  const again = await eventually(
    'the 19 ready again',
    async () => {
      const nodes = await workers();
      return nodes.filter((n) => n.status?.state === 'READY').length === 19 && nodes;
    },
    120_000,
  );
  t.is(again.length, 20);
  t.deepEqual(
    new Set(again.filter((n) => n.status?.state === 'READY').map((n) => n.id)),
    new Set(ready.filter((n) => n.description?.hostname !== 'simb-00000').map((n) => n.id)),
  );
  await eventually('100 tasks running again', async () => (await running()).length === 100, 120_000);
});
