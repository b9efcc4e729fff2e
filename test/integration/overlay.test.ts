/**
 * The overlay between real network namespaces: three "nodes" on a switch (a bridge in a
 * namespace of its own, so the machine's network is untouched), each with a container
 * subnet's gateway on a portless flotilla0, the bridge's masquerade rule and strict
 * rp_filter, and the Overlay running in test/fixtures/overlay-node.ts. TCP goes between the
 * subnets unmasqueraded both ways; the same peers again change nothing, also for a restarted
 * node; a peer left out loses its entries. Skipped, saying why, without root or the tools.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import type { OverlayPeer } from '../../worker/overlay.js';
import { onPath, skippedBecause } from './host-tools.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('../fixtures/overlay-node.js', import.meta.url));
const PORT = 7413;

async function missing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const tool of ['ip', 'bridge', 'iptables', 'nsenter'])
    if (!(await onPath(tool))) return `${tool} is not installed (Debian: iproute2, iptables, util-linux)`;
  return undefined;
}

const prefix = `flovt-${randomBytes(3).toString('hex')}`;
const underlayNet = `10.79.${randomInt(1, 255)}`;
const switchNs = `${prefix}-sw`;
const hosts = [1, 2, 3].map((i) => ({
  nodeId: `n${i}`,
  netns: `${prefix}-${i}`,
  subnet: `10.213.${i}.0/24`,
  addr: `${underlayNet}.${i}`,
  gateway: `10.213.${i}.1`,
}));
type Host = (typeof hosts)[number];

const netnsPath = (netns: string) => `/var/run/netns/${netns}`;
const peersOf = (host: Host, except: Host[] = []): OverlayPeer[] =>
  hosts
    .filter((h) => h !== host && !except.includes(h))
    .map(({ nodeId, subnet, addr }) => ({ nodeId, subnet, addr }));

async function inside(netns: string, ...cmd: string[]): Promise<string> {
  return (await run('nsenter', [`--net=${netnsPath(netns)}`, '--', ...cmd])).stdout;
}

/** A host as a node without containers: underlay on eth0, gateway on flotilla0, the bridge's masquerade rule. */
async function makeHost(host: Host, index: number): Promise<void> {
  await run('ip', ['netns', 'add', host.netns]);
  await run('ip', [
    '-n',
    switchNs,
    'link',
    'add',
    `v${index}`,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    host.netns,
  ]);
  await run('ip', ['-n', switchNs, 'link', 'set', `v${index}`, 'master', 'br0', 'up']);
  const ip = (...args: string[]) => run('ip', ['-n', host.netns, ...args]);
  await ip('addr', 'add', `${host.addr}/24`, 'dev', 'eth0');
  await ip('link', 'set', 'eth0', 'up');
  await ip('link', 'set', 'lo', 'up');
  await ip('link', 'add', 'flotilla0', 'type', 'bridge');
  await ip('addr', 'add', `${host.gateway}/24`, 'dev', 'flotilla0');
  await ip('link', 'set', 'flotilla0', 'up');
  // Strict, to show the overlay's traffic passes it.
  for (const conf of ['all', 'default'])
    await inside(host.netns, 'sh', '-c', `echo 1 > /proc/sys/net/ipv4/conf/${conf}/rp_filter`);
  await inside(
    host.netns,
    ...['iptables', '-w', '-t', 'nat', '-A', 'POSTROUTING', '-s', host.subnet, '!', '-o', 'flotilla0'],
    ...['-j', 'MASQUERADE'],
  );
}

/** The fixture running a host's overlay; `messages` are its log lines' msg. */
class OverlayNode {
  readonly messages: string[] = [];
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly exited: Promise<void>;

  constructor(host: Host) {
    const config = {
      subnet: host.subnet,
      underlay: host.addr,
      peers: peersOf(host),
      serve: { host: host.gateway, port: PORT },
    };
    this.child = spawn(
      'nsenter',
      [`--net=${netnsPath(host.netns)}`, '--', process.execPath, FIXTURE, JSON.stringify(config)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.messages.push((JSON.parse(line) as { msg: string }).msg);
    });
  }

  count(msg: string): number {
    return this.messages.filter((m) => m === msg).length;
  }

  async until(msg: string, times = 1): Promise<void> {
    for (let i = 0; i < 300 && this.count(msg) < times; i++) await delay(50);
    if (this.count(msg) < times)
      throw new Error(`no "${msg}" from the overlay node: ${this.messages.join(' | ')}`);
  }

  async apply(peers: OverlayPeer[]): Promise<void> {
    const applied = this.count('applied');
    this.child.stdin.write(`${JSON.stringify(peers)}\n`);
    await this.until('applied', applied + 1);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** What a connection from `from` (bound to its gateway) to `to`'s server gets back: the address the server saw. */
async function connect(from: Host, to: Host): Promise<string> {
  const script = `
    const s = require('net').connect({ host: '${to.gateway}', port: ${PORT}, localAddress: '${from.gateway}', timeout: 3000 });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => process.stdout.write(got));
    s.on('timeout', () => { console.error('timeout'); process.exit(1); });
    s.on('error', (e) => { console.error(e.message); process.exit(1); });`;
  return (await inside(from.netns, process.execPath, '-e', script)).trim();
}

/** flvx0's routes, neighbours and FDB entries in the host's namespace. */
async function entries(host: Host): Promise<{ routes: string[]; neighs: string[]; fdb: string[] }> {
  const json = async (...cmd: string[]) =>
    JSON.parse(await inside(host.netns, ...cmd)) as Record<string, unknown>[];
  const sorted = (list: string[]) => list.sort();
  return {
    routes: sorted(
      (await json('ip', '-4', '-j', 'route', 'show', 'dev', 'flvx0')).map((r) => `${r.dst} via ${r.gateway}`),
    ),
    neighs: sorted(
      (await json('ip', '-4', '-j', 'neigh', 'show', 'dev', 'flvx0')).map((n) => `${n.dst} ${n.lladdr}`),
    ),
    fdb: sorted((await json('bridge', '-j', 'fdb', 'show', 'dev', 'flvx0')).map((f) => `${f.mac} ${f.dst}`)),
  };
}

const why = await missing();
if (why) {
  skippedBecause(test, 'overlay', why);
} else {
  const nodes = new Map<Host, OverlayNode>();
  const [h1, h2, h3] = hosts as [Host, Host, Host];

  test.before(async () => {
    await run('ip', ['netns', 'add', switchNs]);
    await run('ip', ['-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await run('ip', ['-n', switchNs, 'link', 'set', 'br0', 'up']);
    for (const [i, host] of hosts.entries()) await makeHost(host, i + 1);
    for (const host of hosts) nodes.set(host, new OverlayNode(host));
    for (const node of nodes.values()) await node.until('ready');
  });

  test.after.always(async () => {
    for (const node of nodes.values()) await node.kill();
    // Their links and rules go with the namespaces.
    for (const netns of [...hosts.map((h) => h.netns), switchNs])
      await run('ip', ['netns', 'del', netns]).catch(() => undefined);
  });

  test.serial('containers subnets reach each other both ways, unmasqueraded', async (t) => {
    for (const [from, to] of [
      [h1, h2],
      [h2, h1],
      [h1, h3],
      [h3, h2],
    ] as const)
      t.is(await connect(from, to), from.gateway, `${from.nodeId} to ${to.nodeId}`);
    t.deepEqual(await entries(h1), {
      routes: ['10.213.2.0/24 via 10.213.2.0', '10.213.3.0/24 via 10.213.3.0'],
      neighs: ['10.213.2.0 0a:58:0a:d5:02:00', '10.213.3.0 0a:58:0a:d5:03:00'],
      fdb: [`0a:58:0a:d5:02:00 ${h2.addr}`, `0a:58:0a:d5:03:00 ${h3.addr}`],
    });
    const link = JSON.parse(await inside(h1.netns, 'ip', '-j', '-d', 'addr', 'show', 'dev', 'flvx0')) as {
      mtu: number;
      address: string;
      addr_info: { family: string; local: string; prefixlen: number }[];
    }[];
    t.is(link[0]?.mtu, 1450);
    t.is(link[0]?.address, '0a:58:0a:d5:01:00');
    t.deepEqual(
      link[0]?.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
      ['10.213.1.0/32'],
    );
  });

  test.serial(
    'the same peers change nothing, also for a restarted node, which finds its device and rules',
    async (t) => {
      const node = nodes.get(h1)!;
      const before = await entries(h1);
      const changes = node.count('overlay entries changed');
      await node.apply(peersOf(h1));
      t.is(node.count('overlay entries changed'), changes);
      t.deepEqual(await entries(h1), before);

      await node.kill();
      await inside(h1.netns, 'ip', 'link', 'set', 'flvx0', 'mtu', '1500');
      const restarted = new OverlayNode(h1);
      nodes.set(h1, restarted);
      await restarted.until('ready');
      t.deepEqual(restarted.messages, ['overlay ready', 'ready']);
      t.deepEqual(await entries(h1), before);
      t.regex(await inside(h1.netns, 'ip', 'link', 'show', 'flvx0'), /mtu 1450/);
      const nat = (await inside(h1.netns, 'iptables', '-t', 'nat', '-S', 'POSTROUTING')).split('\n');
      t.is(nat.filter((r) => r.includes('-o flvx0')).length, 1);
      t.true(nat.findIndex((r) => r.includes('-o flvx0')) < nat.findIndex((r) => r.includes('MASQUERADE')));
      const forward = await inside(h1.netns, 'iptables', '-S', 'FORWARD');
      t.is(forward.split('\n').filter((r) => r.includes('flvx0')).length, 2);
      t.is(await connect(h1, h2), h1.gateway);
    },
  );

  test.serial(
    "a peer left out loses its route, neighbour and FDB entry, and its subnet can't be reached",
    async (t) => {
      await nodes.get(h1)!.apply(peersOf(h1, [h3]));
      t.deepEqual(await entries(h1), {
        routes: ['10.213.2.0/24 via 10.213.2.0'],
        neighs: ['10.213.2.0 0a:58:0a:d5:02:00'],
        fdb: [`0a:58:0a:d5:02:00 ${h2.addr}`],
      });
      await t.throwsAsync(connect(h1, h3));
      t.is(await connect(h1, h2), h1.gateway);
    },
  );
}
