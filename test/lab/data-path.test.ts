/**
 * `--data-path-addr` in a lab whose workers have a second interface on a network of its own:
 * workers joined with it send their containers' traffic there, and containers on them
 * reach each other though VXLAN is dropped on the network the nodes talk over.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LabHost } from '../../cli/lab/state.js';
import type { Node, Task } from '../../proto/types.js';
import { privateContainerdFiles } from '../../runtime/containerd/private-containerd.js';
import { containerdMissing, testImages } from '../integration/containerd-harness.js';
import { eventually } from '../integration/cluster-harness.js';
import { skippedBecause } from '../integration/host-tools.js';
import { labMissing, TestLab } from './lab-kit.js';

const run = promisify(execFile);
const lab = new TestLab();
/** The second network: a bridge of the test's own, 10.78.<the lab's index>.0/24. */
const bridge = `dp${lab.name}`;
const WORKERS = ['w1', 'w2'];

/** An eth1 for the host on the second network, at .<n>; returns its address. */
async function secondInterface(host: LabHost, prefix: string, n: number): Promise<string> {
  const outside = `dp${n}${lab.name}`;
  await run('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', host.netns]);
  await run('ip', ['link', 'set', outside, 'master', bridge, 'up']);
  const addr = `${prefix}.${n}`;
  await run('ip', ['-n', host.netns, 'addr', 'add', `${addr}/24`, 'dev', 'eth1']);
  await run('ip', ['-n', host.netns, 'link', 'set', 'eth1', 'up']);
  return addr;
}

const reason = (await labMissing()) ?? (await containerdMissing());
if (reason) {
  skippedBecause(test, '--data-path-addr in a lab', reason);
} else {
  test.before(async () => {
    const up = await lab.run('up', '--managers', '1', '--workers', '2', '--runtime', 'containerd');
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
    const load = await lab.cluster('m1', 'image', 'load', (await testImages()).busybox);
    if (load.code !== 0) throw new Error(`image load failed: ${load.stderr}`);
  });

  test.after.always(async () => {
    await lab.down();
    await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  });

  test('workers joined with --data-path-addr carry their containers over that interface', async (t) => {
    const state = (await lab.state())!;
    const prefix = `10.78.${state.index}`;
    await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await run('ip', ['link', 'set', bridge, 'up']);
    const dataPath: Record<string, string> = {};
    const token = (await lab.cluster('m1', 'join-token', 'worker', '-q')).stdout.trim();
    const manager = `${state.hosts.find((h) => h.name === 'm1')!.address}:4240`;
    for (const [i, name] of WORKERS.entries()) {
      const host = state.hosts.find((h) => h.name === name)!;
      dataPath[name] = await secondInterface(host, prefix, i + 1);
      const left = await lab.cluster(name, 'leave');
      t.is(left.code, 0, left.stderr);
      const socket = privateContainerdFiles(host.containerdDir!).socket;
      const joined = await lab.cluster(
        name,
        'join',
        ...['--hostname', name, '--containerd-socket', socket, '--data-path-addr', 'eth1'],
        ...['--token', token, manager],
      );
      t.is(joined.code, 0, joined.stderr);
    }
    // Their old selves, down since they left, go.
    for (const node of await lab.json<Node[]>('m1', 'node', 'ls')) {
      if (node.status?.state === 'DOWN') await lab.cluster('m1', 'node', 'rm', '--force', node.id);
    }
    const nodes = await eventually('the workers ready at their data path addresses', async () => {
      const ready = (await lab.json<Node[]>('m1', 'node', 'ls')).filter(
        (n) => n.status?.state === 'READY' && WORKERS.includes(n.description?.hostname ?? ''),
      );
      return ready.length === 2 && ready;
    });
    t.deepEqual(Object.fromEntries(nodes.map((n) => [n.description?.hostname, n.dataPathAddr])), dataPath);

    // VXLAN over the nodes' own network is dropped: only the data path can carry the overlay.
    for (const name of WORKERS) {
      const drop =
        'add table ip dptest; add chain ip dptest in { type filter hook input priority 0; }; add rule ip dptest in iifname "eth0" udp dport 4789 drop';
      const res = await lab.run('exec', name, '--', 'nft', drop);
      t.is(res.code, 0, res.stderr);
    }
    for (const [name, other] of [
      ['w1', 'w2'],
      ['w2', 'w1'],
    ]) {
      const fdb = await lab.run('exec', name!, '--', 'bridge', 'fdb', 'show', 'dev', 'flvx0');
      t.regex(
        fdb.stdout,
        new RegExp(`dst ${dataPath[other!]!.replace(/\./g, '\\.')} `),
        `${name} sends to ${other}'s data path`,
      );
      const link = await lab.run('exec', name!, '--', 'ip', '-d', 'link', 'show', 'flvx0');
      t.regex(link.stdout, new RegExp(`local ${dataPath[name!]!.replace(/\./g, '\\.')} `));
    }

    const sleeper = ['flotilla/busybox', 'sleep', '100000'];
    await lab.createService('there', '--constraint', 'node.hostname==w2', ...sleeper);
    await lab.createService('here', '--constraint', 'node.hostname==w1', ...sleeper);
    const running = (service: string) =>
      eventually(`${service} running`, async () =>
        (await lab.running(service)).find((task: Task) => task.status?.container?.containerId),
      );
    const there = await running('there');
    const here = await running('here');
    const shown = await lab.cluster(
      'm1',
      'task',
      'exec',
      there.id,
      '--',
      'ip',
      '-4',
      '-o',
      'addr',
      'show',
      'eth0',
    );
    const addr = /inet (10\.[\d.]+)\//.exec(shown.stdout)?.[1];
    t.truthy(addr, shown.stdout + shown.stderr);
    const ping = await lab.cluster('m1', 'task', 'exec', here.id, '--', 'ping', '-c', '3', '-W', '2', addr!);
    t.is(ping.code, 0, `${ping.stdout}${ping.stderr}`);
  });
}
