/**
 * `cluster leave`: a worker stops its tasks and its daemon and can join again; a manager
 * leaves only with --force.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { paths } from '../../daemon/data-dir.js';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

test('a worker leaves: its tasks and daemon stop, the managers see it down and move its tasks; it can join again', async (t) => {
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  t.is((await c.init('m1')).code, 0);
  const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
  t.is((await c.join('w1', 'm1', token)).code, 0);
  const created = await c.cli(
    'm1',
    'service',
    'create',
    '--name',
    'sl',
    '--replicas',
    '2',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  const onW1 = await eventually('a task on w1', async () => (await c.runningTaskGroups('w1')).length > 0);
  t.true(onW1);
  const pid = await c.daemonPid('w1');

  const left = await runCli(['leave', '--data-dir', c.dataDir('w1')]);
  t.is(left.code, 0, left.stderr);
  t.regex(left.stdout, /This node left the cluster \(1 task\(s\) stopped\)/);
  t.deepEqual(await c.runningTaskGroups('w1'), []);
  t.throws(() => process.kill(pid, 0), undefined, 'the daemon stopped');
  t.false(existsSync(paths(c.dataDir('w1')).identity));
  t.false(existsSync(paths(c.dataDir('w1')).certs));
  await eventually('w1 down and both tasks on m1', async () => {
    const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    const tasks = await c.json<Task[]>('m1', 'service', 'ps', 'sl', '--format', 'raw');
    const w1 = nodes.find((n) => n.description?.hostname === 'w1');
    const running = tasks.filter((x) => x.desiredState === 'RUNNING' && x.status?.state === 'RUNNING');
    return w1?.status?.state === 'DOWN' && running.length === 2 && running.every((x) => x.nodeId !== w1.id);
  });
  const again = await c.join('w1', 'm1', token);
  t.is(again.code, 0, again.stderr);

  const refused = await runCli(['leave', '--data-dir', c.dataDir('m1')]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /this node is a manager: demote it first .*or leave with --force/);
  const forced = await runCli(['leave', '--force', '--data-dir', c.dataDir('m1')]);
  t.is(forced.code, 0, forced.stderr);
});
