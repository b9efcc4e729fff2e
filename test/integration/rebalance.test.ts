/**
 * Rebalancing end to end with real processes: a service spread over a manager and a worker
 * gets a task moved to a worker that joins once `service update --rebalance` asks for it,
 * with never fewer than 3 of its 4 tasks running on the way.
 */
import test from 'ava';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;

const readyNodes = async () =>
  (await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).filter(
    (n) => n.status?.state === 'READY',
  ).length;
const running = async () =>
  (await cluster.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw')).filter(
    (t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING',
  );
/** Running tasks per node, fullest first. */
const spread = async () => {
  const perNode = new Map<string, number>();
  for (const t of await running()) perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
  return [...perNode.values()].sort((a, b) => b - a);
};

test.before(async () => {
  cluster = await LocalCluster.create();
  const res = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  if (res.code !== 0) throw new Error(res.stderr);
});

test.after.always(async () => {
  await cluster?.destroy();
});

test('service update --rebalance spreads tasks onto a node that joined, one at a time', async (t) => {
  const token = (
    await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q'])
  ).stdout.trim();
  t.is((await cluster.join('w1', 'm1', token)).code, 0);
  await eventually('2 ready nodes', async () => (await readyNodes()) === 2);
  const create = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '4',
    'host',
    'sleep',
    '100000',
  );
  t.is(create.code, 0, create.stderr);
  t.deepEqual(await spread(), [2, 2]);

  const w2 = await cluster.join('w2', 'm1', token);
  t.is(w2.code, 0, w2.stderr);
  await eventually('3 ready nodes', async () => (await readyNodes()) === 3);
  // That nothing moves without the setting is the unit tests' to show (test/unit/orchestrator/
  // rebalance.test.ts waits there until the loop has seen the join); no sleep here can.

  const update = await cluster.cli('m1', 'service', 'update', '--rebalance', 'web');
  t.is(update.code, 0, update.stderr);
  let fewest = Infinity;
  await eventually('an even spread', async () => {
    const now = await spread();
    fewest = Math.min(
      fewest,
      now.reduce((a, b) => a + b, 0),
    );
    return now.join() === '2,1,1';
  });
  t.true(fewest >= 3, `${fewest} running at the fewest`);
  const inspect = await cluster.json<{ spec: { labels: Record<string, string> } }[]>(
    'm1',
    'service',
    'inspect',
    'web',
  );
  t.is(inspect[0]?.spec.labels['flotilla.rebalance'], 'true');
});
