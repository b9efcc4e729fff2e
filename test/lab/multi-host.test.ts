/**
 * A cluster of three hosts (network namespaces with their own addresses, as machines on a
 * LAN) made with the default flags: the nodes' real addresses, the routing mesh across
 * hosts, a host that dies and a worker cut off by a partition.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import type { Node } from '../../proto/types.js';
import { eventually, runningTaskGroupsIn } from '../integration/cluster-harness.js';
import { skippedBecause } from '../integration/host-tools.js';
import { labMissing, TestLab } from './lab-kit.js';

const slotServer = fileURLToPath(new URL('../fixtures/slot-server.js', import.meta.url));
const lab = new TestLab();

/** The hosts of the running tasks of `service`, once all `replicas` run (none on `avoid`). */
async function placed(service: string, replicas: number, avoid?: string): Promise<string[]> {
  const names = await lab.hostnames();
  return eventually(`${replicas} tasks of ${service} running${avoid ? ` off ${avoid}` : ''}`, async () => {
    const hosts = (await lab.running(service)).map((t) => names[t.nodeId] ?? '?');
    return hosts.length === replicas && !hosts.includes(avoid ?? '') && hosts.sort();
  });
}

const reason = await labMissing();
if (reason) {
  skippedBecause(test, 'cluster lab', reason);
} else {
  test.before(async () => {
    // The defaults, as a user's: no --listen, no --advertise-addr, the default heartbeat.
    const up = await lab.run('up', '--managers', '1', '--workers', '2');
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  });

  test.after.always(() => lab.down());

  test.serial('with default flags every node is Ready at its host’s own address', async (t) => {
    const hosts = (await lab.state())!.hosts;
    const nodes = await eventually('3 Ready nodes', async () => {
      const nodes = await lab.json<Node[]>('m1', 'node', 'ls');
      return nodes.length === 3 && nodes.every((n) => n.status?.state === 'READY') && nodes;
    });
    for (const host of hosts) {
      const node = nodes.find((n) => n.description?.hostname === host.name);
      t.is(node?.status?.addr, `${host.address}:4240`, host.name);
    }
  });

  test.serial('a published port on every host reaches a task pinned to another host', async (t) => {
    const created = await lab.cluster(
      'm1',
      'service',
      'create',
      '--name',
      'web',
      '-p',
      '8080:8080',
      '--constraint',
      'node.hostname==w2',
      'host',
      process.execPath,
      slotServer,
    );
    t.is(created.code, 0, created.stderr);
    for (const host of (await lab.state())!.hosts) {
      const answer = await eventually(`web through ${host.name}`, async () => {
        const res = await fetch(`http://${host.address}:8080/`, { signal: AbortSignal.timeout(2_000) });
        return res.ok && ((await res.json()) as { slot: string });
      });
      t.is(answer.slot, '1', host.name);
    }
  });

  test.serial('a host that dies as a whole has its tasks running elsewhere', async (t) => {
    // Spread puts one on each worker.
    const args = ['--replicas', '2', '--constraint', 'node.role==worker'];
    await lab.createService('sl', ...args, 'host', 'sleep', '100000');
    t.deepEqual(await placed('sl', 2), ['w1', 'w2']);
    const killedAt = Date.now();
    t.is((await lab.run('kill', 'w2')).code, 0);
    t.deepEqual(await placed('sl', 2, 'w2'), ['w1', 'w1']);
    t.log(
      `w2's task ran on w1 ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (default heartbeat)`,
    );
    const restarted = await lab.run('restart', 'w2');
    t.is(restarted.code, 0, restarted.stderr);
    await lab.hostIs('w2', 'READY');
  });

  test.serial(
    'a worker cut off by a partition has its tasks moved, and stops the old ones when it heals',
    async (t) => {
      const args = ['--replicas', '1', '--constraint', 'node.hostname!=m1'];
      await lab.createService('cut', ...args, 'host', 'sleep', '100000');
      const [first] = await placed('cut', 1);
      const other = first === 'w1' ? 'w2' : 'w1';
      const cutHost = (await lab.state())!.hosts.find((h) => h.name === first)!;
      const before = await runningTaskGroupsIn(cutHost.dataDir);
      t.is((await lab.run('partition', first!, '/', `m1,${other}`)).code, 0);
      await lab.hostIs(first!, 'DOWN');
      t.deepEqual(await placed('cut', 1, first), [other]);
      // Cut off, the worker cannot know: its task runs on until it hears from the managers.
      t.deepEqual(await runningTaskGroupsIn(cutHost.dataDir), before);
      t.is((await lab.run('heal')).code, 0);
      await lab.hostIs(first!, 'READY');
      await eventually(`${first}'s old task stopped`, async () => {
        const now = await runningTaskGroupsIn(cutHost.dataDir);
        return before.every((g) => !now.includes(g));
      });
      t.deepEqual(await placed('cut', 1), [other]);
    },
  );
}
