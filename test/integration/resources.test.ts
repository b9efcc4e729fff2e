/**
 * What nodes advertise, end to end: generic resources (`cluster init` and `cluster join
 * --generic-resource`; a service that reserves gpu=1 runs on the node that has one, and a
 * second one waits, saying why) and engine labels (`--engine-label`, matched by
 * engine.labels constraints).
 */
import test from 'ava';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s', '--generic-resource', 'fpga=2');
  if (init.code !== 0) throw new Error(init.stderr);
  const token = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  const join = await cluster.join(
    'w1',
    'm1',
    token.stdout.trim(),
    '--generic-resource',
    'gpu=1',
    '--engine-label',
    'storage=ssd',
  );
  if (join.code !== 0) throw new Error(join.stderr);
  await eventually('2 ready nodes', async () => {
    const nodes = await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    return nodes.filter((n) => n.status?.state === 'READY').length === 2;
  });
});

test.after.always(async () => {
  await cluster?.destroy();
});

const gpuService = (name: string) =>
  cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    name,
    '--generic-resource',
    'gpu=1',
    'host',
    'sleep',
    '100000',
  );

test.serial(
  'the node that advertises a gpu runs the service that reserves one; a second one waits',
  async (t) => {
    const nodes = await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    const byName = new Map(nodes.map((n) => [n.description?.hostname, n]));
    t.deepEqual(byName.get('w1')?.description?.genericResources, { gpu: 1 });
    t.deepEqual(byName.get('m1')?.description?.genericResources, { fpga: 2 });

    const first = await gpuService('trainer');
    t.is(first.code, 0, first.stderr);
    t.regex(first.stdout, /converged/);
    const [task] = await cluster.json<Task[]>('m1', 'service', 'ps', 'trainer', '--format', 'raw');
    t.is(task?.nodeId, byName.get('w1')?.id);

    const second = await gpuService('trainer2');
    t.is(second.code, 0, second.stderr);
    t.regex(second.stdout, /cannot be placed: .*gpu/);
    const [waiting] = await cluster.json<Task[]>('m1', 'service', 'ps', 'trainer2', '--format', 'raw');
    t.is(waiting?.status?.state, 'PENDING');
    t.regex(waiting?.status?.err ?? '', /gpu/);
    const [inspected] = await cluster.json<{ unplaced: { slot: number; reason: string }[] }[]>(
      'm1',
      'service',
      'inspect',
      'trainer2',
    );
    t.is(inspected?.unplaced.length, 1);
    t.regex(inspected?.unplaced[0]?.reason ?? '', /insufficient generic resource gpu/);
  },
);

test.serial('engine labels set where a node starts are matched by engine.labels constraints', async (t) => {
  const nodes = await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
  const w1 = nodes.find((n) => n.description?.hostname === 'w1');
  t.deepEqual(w1?.description?.engineLabels, { storage: 'ssd' });
  const created = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'db',
    '--replicas',
    '2',
    '--constraint',
    'engine.labels.storage==ssd',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  const tasks = await cluster.json<Task[]>('m1', 'service', 'ps', 'db', '--format', 'raw');
  t.deepEqual(
    tasks.map((task) => task.nodeId),
    [w1?.id, w1?.id],
  );
});
