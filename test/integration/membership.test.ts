/**
 * Changing who manages, with real processes: promoting workers and demoting managers
 * (the leader too), and recovering a manager whose cluster lost its quorum.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFlotillaError } from '../../lib/errors.js';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';

const nodesVia = (c: LocalCluster, via: string) => c.json<Node[]>(via, 'node', 'ls', '--format', 'raw');
const byName = (nodes: Node[], name: string) => nodes.find((n) => n.description?.hostname === name);
const roleOnDisk = async (c: LocalCluster, name: string) =>
  (JSON.parse(await readFile(join(c.dataDir(name), 'node.json'), 'utf8')) as { role: string }).role;

test.serial(
  'workers promoted to managers and managers demoted, the leader too, with tasks kept',
  async (t) => {
    const c = await LocalCluster.create();
    t.teardown(() => c.destroy());
    t.is((await c.init('m1', '--dispatcher-heartbeat', '1s')).code, 0);
    const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
    for (const w of ['w2', 'w3']) t.is((await c.join(w, 'm1', token)).code, 0);
    const created = await c.cli(
      'm1',
      'service',
      'create',
      '--name',
      'web',
      '--replicas',
      '3',
      'host',
      'sleep',
      '100000',
    );
    t.is(created.code, 0, created.stderr);
    const tasks = () => c.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw');
    const before = (await tasks()).map((task) => task.id).sort();

    const promoted = await c.cli('m1', 'node', 'promote', 'w2', 'w3');
    t.is(promoted.code, 0, promoted.stderr);
    const three = await nodesVia(c, 'w2');
    t.deepEqual(three.map((n) => n.managerStatus?.leader ?? false).filter(Boolean), [true]);
    t.is(three.filter((n) => n.managerStatus?.reachability === 'REACHABLE').length, 3);
    t.is(await roleOnDisk(c, 'w2'), 'MANAGER');
    t.deepEqual(
      (await tasks())
        .filter((task) => task.status?.state === 'RUNNING')
        .map((task) => task.id)
        .sort(),
      before,
      'the promoted nodes kept their tasks running',
    );

    // The leader hands over first; the next leader takes it out of the group.
    const demoted = await c.cli('w2', 'node', 'demote', 'm1');
    t.is(demoted.code, 0, demoted.stderr);
    await eventually('m1 restarted as a worker', async () => (await roleOnDisk(c, 'm1')) === 'WORKER');
    const after = await eventually('a new leader, m1 a worker', async () => {
      const nodes = await nodesVia(c, 'w2');
      const leader = nodes.find((n) => n.managerStatus?.leader);
      return leader && byName(nodes, 'm1')?.role === 'WORKER' ? nodes : undefined;
    });
    t.is(byName(after, 'm1')?.managerStatus, null);
    await eventually(
      'm1 heartbeats as a worker',
      async () => byName(await nodesVia(c, 'w3'), 'm1')?.status?.state === 'READY',
    );
    const local = await runCli(['--data-dir', c.dataDir('m1'), 'service', 'ls']);
    t.regex(local.stderr, /this node is a worker/);

    const w3 = await c.cli('w2', 'node', 'demote', 'w3');
    t.is(w3.code, 0, w3.stderr);
    const last = await c.cli('w2', 'node', 'demote', 'w2');
    t.not(last.code, 0);
    t.regex(last.stderr, /w2 is the last manager; promote another node first/);
    const still = await c.json<Task[]>('w2', 'service', 'ps', 'web', '--format', 'raw');
    t.is(
      still.filter((task) => task.desiredState === 'RUNNING' && task.status?.state === 'RUNNING').length,
      3,
    );
  },
);

test.serial(
  'with quorum lost, writes fail naming the recovery, reads fail unless --stale-ok, and force-new-cluster recovers',
  async (t) => {
    const c = await LocalCluster.create();
    t.teardown(() => c.destroy());
    t.is((await c.init('m1')).code, 0);
    for (const m of ['m2', 'm3']) t.is((await c.joinManager(m, 'm1')).code, 0);
    t.is((await c.cli('m1', ...sleeperService('kept'))).code, 0);
    await eventually('m3 has the service', async () => {
      const local = await runCli(['--data-dir', c.dataDir('m3'), 'service', 'ls', '--format', 'raw']);
      return local.code === 0 && local.stdout.includes('"kept"');
    });

    await c.stop('m1', 'SIGKILL');
    await c.stop('m2', 'SIGKILL');
    const write = await eventually('the write is refused for want of quorum', async () => {
      const res = await c.cli('m3', ...sleeperService('lost', 1));
      return res.code !== 0 && /no manager leads/.test(res.stderr) ? res : undefined;
    });
    t.regex(write.stderr, /cluster init --force-new-cluster --data-dir \S+m3/);
    const refused = await c.cli('m3', 'service', 'ls', '--format', 'raw');
    t.not(refused.code, 0);
    t.is(refused.stdout, '');
    t.regex(refused.stderr, /error: no manager leads .*cannot confirm .*`cluster --stale-ok \.\.\.`/s);
    const control = connect(wire.flotilla.Control, c.addr('m3'), c.adminTls());
    t.teardown(() => control.close());
    const err = await t.throwsAsync(call(control, control.ListServices, {}));
    t.true(isFlotillaError(err, 'NO_QUORUM'), err?.message);

    const read = await c.cli('m3', '--stale-ok', 'service', 'ls', '--format', 'raw');
    t.is(read.code, 0, read.stderr);
    t.regex(read.stderr, /warning: no manager leads \(no quorum\).*own copy/);
    t.deepEqual(
      (JSON.parse(read.stdout) as { service: Service }[]).map((s) => s.service.spec?.name),
      ['kept'],
    );

    await c.stop('m3');
    const forced = await runCli(['init', '--force-new-cluster', '--data-dir', c.dataDir('m3')]);
    t.is(forced.code, 0, forced.stderr);
    t.is((await c.cli('m3', ...sleeperService('after'))).code, 0);
    const names = (await c.json<{ service: Service }[]>('m3', 'service', 'ls', '--format', 'raw'))
      .map((s) => s.service.spec?.name)
      .sort();
    t.deepEqual(names, ['after', 'kept']);
    t.true(byName(await nodesVia(c, 'm3'), 'm3')?.managerStatus?.leader);
  },
);

test.serial(
  'a manager demoted and promoted again while it was down comes back as the new member',
  async (t) => {
    const c = await LocalCluster.create();
    t.teardown(() => c.destroy());
    // A long heartbeat: the managers take the node for Ready (and promote it) well after it died.
    t.is((await c.init('m1', '--dispatcher-heartbeat', '30s')).code, 0);
    const token = (
      await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'manager', '-q'])
    ).stdout.trim();
    for (const m of ['m2', 'm3']) t.is((await c.join(m, 'm1', token)).code, 0);
    const raftIdOf = async (name: string) => byName(await nodesVia(c, 'm1'), name)?.managerStatus?.raftId;
    await eventually('three reachable managers', async () =>
      (await nodesVia(c, 'm1')).every((n) => n.managerStatus?.reachability === 'REACHABLE'),
    );
    const before = await raftIdOf('m3');

    await c.stop('m3', 'SIGKILL');
    t.is((await c.cli('m1', 'node', 'demote', '-d', 'm3')).code, 0);
    await eventually('m3 out of the Raft group', async () => (await raftIdOf('m3')) === undefined);
    t.is((await c.cli('m1', 'node', 'promote', '-d', 'm3')).code, 0);
    const after = await eventually('m3 a member again', async () => raftIdOf('m3'));
    t.not(after, before);

    // Its data dir still says it is member `before`, which the group removed for good.
    c.restart('m3');
    await eventually('m3 reachable as the new member', async () => {
      const m3 = byName(await nodesVia(c, 'm1'), 'm3');
      return m3?.managerStatus?.raftId === after && m3.managerStatus.reachability === 'REACHABLE';
    });
    const created = await c.cli('m3', 'service', 'create', '-d', '--name', 'via-m3', 'host', 'sleep', '1000');
    t.is(created.code, 0, created.stderr);
  },
);
