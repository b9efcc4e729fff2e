/**
 * A disk that fills up, on real daemons whose data dirs are small tmpfs mounts: a manager
 * refuses writes naming the full disk, stays up, takes writes again once there is room and
 * keeps every acknowledged one across a restart; a full follower does not stop its cluster;
 * a full worker keeps its tasks.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { paths, processAlive } from '../../daemon/data-dir.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { canMount, SmallDisk } from '../small-disk.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';
import { skippedBecause } from './host-tools.js';

const FULL = /the disk holding \S+ is full/;

async function cluster(t: import('ava').ExecutionContext): Promise<LocalCluster> {
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  return c;
}

const serviceNames = async (c: LocalCluster, via: string): Promise<string[]> =>
  (await c.json<{ service: Service }[]>(via, 'service', 'ls', '--format', 'raw'))
    .map((s) => s.service.spec?.name ?? '')
    .sort();

const daemonLog = (c: LocalCluster, name: string): Promise<string> =>
  readFile(paths(c.dataDir(name)).log, 'utf8');

if (!canMount) {
  skippedBecause(test, 'disk full', 'mounting a small tmpfs takes root');
} else {
  test('a manager with a full disk refuses writes, stays up, takes them again once there is room and keeps every acknowledged one', async (t) => {
    const c = await cluster(t);
    const disk = await SmallDisk.mount(t, c.dataDir('m1'));
    const init = await c.init('m1');
    t.is(init.code, 0, init.stderr);
    const first = await c.cli('m1', ...sleeperService('before'));
    t.is(first.code, 0, first.stderr);

    await disk.fill();
    // What fits in the blocks the log already holds is still saved and acknowledged.
    const acknowledged = ['before'];
    let refusal = '';
    for (let i = 0; i < 50 && !refusal; i++) {
      const res = await c.cli('m1', ...sleeperService(`probe-${i}`));
      if (res.code === 0) acknowledged.push(`probe-${i}`);
      else refusal = res.stderr;
    }
    t.regex(refusal, FULL);
    t.true(refusal.includes(c.dataDir('m1')), refusal);

    // Paused for want of space, it refuses at once, and says what to do.
    const refused = await c.cli('m1', ...sleeperService('web'));
    t.is(refused.code, 1);
    t.regex(refused.stderr, FULL);
    t.regex(refused.stderr, /Free space on that disk/);
    t.true(processAlive(await c.daemonPid('m1')));

    await disk.free();
    const created = await eventually('a write taken again', async () => {
      const res = await c.cli('m1', ...sleeperService('web'));
      // Until the manager leads again after its pause.
      if (res.code !== 0 && /no manager leads|is full/.test(res.stderr)) return undefined;
      return res;
    });
    t.is(created.code, 0, created.stderr);
    acknowledged.push('web');
    t.regex(await daemonLog(c, 'm1'), /takes part in the group again/);

    await c.stop('m1');
    c.restart('m1');
    const names = await eventually('the services after a restart', () => serviceNames(c, 'm1'));
    for (const name of acknowledged) t.true(names.includes(name), `${name} acknowledged but missing`);
    t.is(names.filter((n) => n === 'web').length, 1);
  });

  test('a cluster of three managers goes on while one follower has a full disk, and that follower comes back', async (t) => {
    const c = await cluster(t);
    t.is((await c.init('m1')).code, 0);
    t.is((await c.joinManager('m2', 'm1')).code, 0);
    const disk = await SmallDisk.mount(t, c.dataDir('m3'));
    t.is((await c.joinManager('m3', 'm1')).code, 0);
    const reachability = async () =>
      new Map(
        (await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).map((n) => [
          n.description?.hostname,
          n.managerStatus,
        ]),
      );
    t.true((await reachability()).get('m1')?.leader);

    await disk.fill();
    for (let i = 0; i < 10; i++) {
      const res = await c.cli(i % 2 ? 'm1' : 'm2', ...sleeperService(`s${i}`));
      t.is(res.code, 0, res.stderr);
    }
    // It acknowledges nothing it could not save: to the leader it is as if it had stopped.
    await eventually(
      'm3 unreachable',
      async () => (await reachability()).get('m3')?.reachability === 'UNREACHABLE',
    );
    t.true(processAlive(await c.daemonPid('m3')));

    await disk.free();
    await eventually(
      'm3 reachable',
      async () => (await reachability()).get('m3')?.reachability === 'REACHABLE',
    );
    // With the leader gone, m2 and m3 are the quorum: writes go on only if m3 takes part.
    await c.stop('m1');
    const res = await eventually('a write without m1', async () => {
      const r = await c.cli('m2', ...sleeperService('after'));
      return r.code === 0 ? r : undefined;
    });
    t.is(res.code, 0);
    const names = await serviceNames(c, 'm3');
    for (let i = 0; i < 10; i++) t.true(names.includes(`s${i}`));
    t.true(names.includes('after'));
  });

  test("three managers, the LEADER's disk fills: it stays up, another takes over, and it catches up once there is room", async (t) => {
    const c = await cluster(t);
    // Each manager on a disk of its own: whichever leads when it is time is the one filled.
    const disks = new Map<string, SmallDisk>();
    for (const name of ['m1', 'm2', 'm3']) disks.set(name, await SmallDisk.mount(t, c.dataDir(name), 32));
    t.is((await c.init('m1')).code, 0);
    t.is((await c.joinManager('m2', 'm1')).code, 0);
    t.is((await c.joinManager('m3', 'm1')).code, 0);
    const leaderSeenBy = async (via: string) =>
      (await c.json<Node[]>(via, 'node', 'ls', '--format', 'raw')).find((n) => n.managerStatus?.leader)
        ?.description?.hostname;
    // Load: a task on every manager, and tasks that keep exiting so that the loops keep writing.
    const acknowledged: string[] = [];
    for (const [name, ...args] of [
      ['everywhere', '--mode', 'global', 'host', 'sleep', '100000'],
      ['churn', '--replicas', '3', '--restart-delay', '0s', 'host', 'sh', '-c', 'sleep 0.5'],
    ] as const) {
      const res = await c.cli('m1', 'service', 'create', '-d', '--name', name, ...args);
      t.is(res.code, 0, res.stderr);
      acknowledged.push(name);
    }
    const everywhere = () => c.json<Task[]>('m1', 'service', 'ps', 'everywhere', '--format', 'raw');
    await eventually(
      'a task on every manager',
      async () => (await everywhere()).filter((k) => k.status?.state === 'RUNNING').length === 3,
    );

    const full = await eventually('a leader', () => leaderSeenBy('m1'));
    const others = ['m1', 'm2', 'm3'].filter((n) => n !== full);
    const pid = await c.daemonPid(full);
    await disks.get(full)!.fill();
    const newLeader = await eventually('another leader', async () => {
      const leader = await leaderSeenBy(others[0]!);
      return leader !== full && leader;
    });
    t.true(others.includes(newLeader));
    // Its agent is told to stop its task, whose exit cannot be saved there.
    const removed = await c.cli(others[0]!, 'service', 'rm', 'everywhere');
    t.is(removed.code, 0, removed.stderr);
    acknowledged.splice(acknowledged.indexOf('everywhere'), 1);
    await eventually('its task stopped', async () => (await c.runningTaskGroups(full)).length === 0);
    for (let i = 0; i < 4; i++) {
      const via = others[i % 2]!;
      const res = await eventually(`a write through ${via}`, async () => {
        const r = await c.cli(via, ...sleeperService(`during-${i}`));
        // A refused try may still have been applied: the name is then taken by it.
        return r.code === 0 || /already exists/.test(r.stderr) ? r : undefined;
      });
      t.truthy(res);
      acknowledged.push(`during-${i}`);
    }
    t.true(processAlive(pid), "the full manager's daemon died");

    await disks.get(full)!.free();
    // Its reads pass a read barrier: it answers once it takes part and has caught up.
    await eventually('the full manager caught up', async () => {
      const names = await serviceNames(c, full);
      return acknowledged.every((n) => names.includes(n)) && !names.includes('everywhere');
    });
    t.true(processAlive(pid));
    t.regex(await daemonLog(c, full), /takes part in the group again/);

    // Nothing acknowledged is lost, on any manager, nor from the old leader's log across a restart.
    await c.stop(full);
    c.restart(full);
    for (const via of ['m1', 'm2', 'm3']) {
      const names = await eventually(`the services on ${via}`, () => serviceNames(c, via));
      t.deepEqual(names, [...acknowledged].sort(), via);
    }
  });

  test('a worker with a full disk keeps its tasks running and says so in its log', async (t) => {
    const c = await cluster(t);
    t.is((await c.init('m1', '--dispatcher-heartbeat', '1s')).code, 0);
    const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
    const disk = await SmallDisk.mount(t, c.dataDir('w1'));
    t.is((await c.join('w1', 'm1', token)).code, 0);
    const onW1 = ['--constraint', 'node.hostname==w1'];
    // One task that only sleeps, one that keeps writing to its log.
    const chatty = ['sh', '-c', 'while :; do echo tick; sleep 0.1; done'];
    for (const [name, cmd] of [
      ['quiet', ['sleep', '100000']],
      ['chatty', chatty],
    ] as const) {
      const res = await c.cli('m1', 'service', 'create', '-d', '--name', name, ...onW1, 'host', ...cmd);
      t.is(res.code, 0, res.stderr);
    }
    const running = (tasks: Task[]) => tasks.filter((k) => k.status?.state === 'RUNNING').map((k) => k.id);
    const tasksOf = (service: string) => c.json<Task[]>('m1', 'service', 'ps', service, '--format', 'raw');
    const before = await eventually('2 tasks running', async () => {
      const ids = [...running(await tasksOf('quiet')), ...running(await tasksOf('chatty'))];
      return ids.length === 2 && ids;
    });
    const groups = await c.runningTaskGroups('w1');
    t.is(groups.length, 2);

    await disk.fill();
    // A new task cannot be made there: its failure, reported by the worker, shows the agent
    // goes on meanwhile.
    const more = await c.cli(
      'm1',
      'service',
      'create',
      '-d',
      '--name',
      'more',
      ...onW1,
      'host',
      'sleep',
      '100000',
    );
    t.is(more.code, 0, more.stderr);
    const failed = await eventually('a task of "more" failed', async () =>
      (await tasksOf('more')).find((k) => k.status?.state === 'FAILED'),
    );
    t.regex(failed.status?.err ?? '', FULL);
    const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    t.is(nodes.find((n) => n.description?.hostname === 'w1')?.status?.state, 'READY');
    t.true(processAlive(await c.daemonPid('w1')));
    for (const g of groups) t.true(processAlive(g), `task process group ${g} stopped`);

    await disk.free();
    await eventually('"more" running', async () => running(await tasksOf('more')).length === 1);
    const after = [...running(await tasksOf('quiet')), ...running(await tasksOf('chatty'))];
    t.deepEqual(after.sort(), [...before].sort());
    t.deepEqual(
      (await c.runningTaskGroups('w1')).filter((g) => groups.includes(g)).sort(),
      [...groups].sort(),
    );
    await eventually('the log says the disk was full', async () =>
      /a task cannot start: the disk is full/.test(await daemonLog(c, 'w1')),
    );
  });
}
