/**
 * The mesh's kernel path end to end, in a lab (hosts that are network namespaces, each with
 * its own nftables): a client in a namespace of its own on the lab's network reaches the
 * published ports of every node, over tasks on two nodes, by TCP and UDP; a task leaving the
 * table gets no new connection while one it has keeps working; hosts whose FORWARD policy drops
 * (as Docker sets it) carry it all the same; what passes is counted; `--mesh userspace` and
 * least-conn are served by the proxy instead, and a service moves between the paths.
 */
import test from 'ava';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from './cluster-harness.js';
import { skippedBecause } from './host-tools.js';
import { labMissing, TestLab } from '../lab/lab-kit.js';
import { SYSTEM_PATH } from '../../runtime/run-captured.js';
import { MESH_MARK, parseCounters } from '../../worker/mesh/nft-ruleset.js';

const run = promisify(execFile);
const peer = fileURLToPath(new URL('./kernel-mesh-peer.js', import.meta.url));

class KernelMeshLab extends TestLab {
  override readonly name = `km${randomBytes(4).toString('hex')}`;
}
const lab = new KernelMeshLab();
/** The client's namespace and its veth on the lab's bridge. */
const client = { netns: `${lab.name}c`, veth: `${lab.name}v`, address: '' };
const addresses: Record<string, string> = {};

/** A client process inside the client namespace, asking HOST:PORT one command at a time. */
class Client {
  private readonly child: ChildProcess;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void)[] = [];

  constructor(host: string, port: number) {
    this.child = spawn('nsenter', [
      `--net=/var/run/netns/${client.netns}`,
      process.execPath,
      peer,
      'client',
      host,
      String(port),
    ]);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.answers.push(line);
    });
  }

  send(cmd: 'tcp' | 'udp' | 'hold' | 'again' | 'uhold' | 'uagain' | 'who'): Promise<string> {
    this.child.stdin!.write(`${cmd}\n`);
    const ready = this.answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** The distinct slots ("slot N") in answers, sorted. */
const distinct = (answers: string[]) => [...new Set(answers.map((a) => a.replace(/: .*/, '')))].sort();

/** The slots answering `n` new connections (or datagrams) through host:port. */
async function slots(host: string, port: number, kind: 'tcp' | 'udp' | 'who', n: number): Promise<string[]> {
  const c = new Client(host, port);
  try {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await c.send(kind));
    return out;
  } finally {
    c.close();
  }
}

/** A system tool inside `host` (under npm, node_modules/.bin holds another `nft`). */
const inHost = (host: string, ...cmd: string[]) =>
  lab.run('exec', host, '--', 'env', `PATH=${SYSTEM_PATH}`, ...cmd);

/** The rule of the kernel path's chain for a port on `host`; '' when the port has no chain. */
async function chain(host: string, name: string): Promise<string> {
  const res = await inHost(host, 'nft', 'list', 'chain', 'inet', 'flotilla', name);
  return res.code === 0 ? res.stdout : '';
}

/** Whether the userspace proxy listens on the TCP port in `host`. */
async function proxyListens(host: string, port: number): Promise<boolean> {
  const res = await inHost(host, 'ss', '-Hltn', `sport = :${port}`);
  return res.stdout.trim() !== '';
}

const serve = ['host', process.execPath, peer, 'serve'];

const reason = await labMissing();
if (reason) {
  skippedBecause(test, 'the kernel mesh in a lab', reason);
} else {
  test.before(async () => {
    const up = await lab.run('up', '--managers', '1', '--workers', '2');
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
    const state = (await lab.state())!;
    for (const h of state.hosts) addresses[h.name] = h.address;
    client.address = `10.77.${state.index}.250`;
    await run('ip', ['netns', 'add', client.netns]);
    await run('ip', [
      'link',
      'add',
      client.veth,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      client.netns,
    ]);
    await run('ip', ['link', 'set', client.veth, 'master', state.bridge, 'up']);
    await run('ip', ['-n', client.netns, 'addr', 'add', `${client.address}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', client.netns, 'link', 'set', 'eth0', 'up']);
    // As on a machine with Docker: FORWARD drops what no rule accepts.
    for (const host of ['m1', 'w1', 'w2']) {
      const drop = await inHost(host, 'iptables', '-w', '-P', 'FORWARD', 'DROP');
      if (drop.code !== 0) throw new Error(`cannot set ${host}'s FORWARD policy: ${drop.stderr}`);
    }
    await lab.createService(
      'web',
      ...['--replicas', '2', '--constraint', 'node.role==worker', '--stop-grace-period', '120s'],
      ...['-p', '8080:80', '-p', '8080:80/udp'],
      ...serve,
    );
    await eventually('web running on both workers', async () => (await lab.running('web')).length === 2);
  });

  test.after.always(async () => {
    await run('ip', ['link', 'del', client.veth]).catch(() => undefined);
    await run('ip', ['netns', 'del', client.netns]).catch(() => undefined);
    await lab.down();
  });

  test.serial(
    'every node serves the port in the kernel, over the tasks on both workers, TCP and UDP; a task on the entry node sees the client',
    async (t) => {
      t.timeout(180_000);
      const hostnames = await lab.hostnames();
      for (const host of ['m1', 'w1', 'w2']) {
        await eventually(`${host}'s chain over two tasks`, async () =>
          /mod 2 map/.test(await chain(host, 'tcp_8080')),
        );
        t.false(await proxyListens(host, 8080), `no userspace listener on ${host}`);
      }
      for (const host of ['m1', 'w1', 'w2']) {
        const tcp = await slots(addresses[host]!, 8080, 'tcp', 4);
        t.deepEqual(distinct(tcp), ['slot 1', 'slot 2'], `tcp via ${host}: ${tcp.join(', ')}`);
        const udp = await slots(addresses[host]!, 8080, 'udp', 4);
        t.deepEqual(distinct(udp), ['slot 1', 'slot 2'], `udp via ${host}: ${udp.join(', ')}`);
      }
      // A task on the node the client came in by sees the client; one on another node sees that node.
      const w1Slot = (await lab.running('web')).find((task) => hostnames[task.nodeId] === 'w1')?.slot;
      const seen = await slots(addresses.w1!, 8080, 'who', 4);
      for (const answer of seen) {
        const [slot, from] = answer.replace(/^slot /, '').split(': ');
        t.is(from, Number(slot) === w1Slot ? client.address : addresses.w1, answer);
      }
      // The node's own processes reach the port too (the output hook), at its address and on loopback.
      for (const target of [addresses.w2!, '127.0.0.1']) {
        const res = await inHost(
          'm1',
          process.execPath,
          '-e',
          `
        const s = require('node:net').connect(8080, '${target}', () => s.write('self\\n'));
        s.on('data', (d) => { process.stdout.write(d); s.destroy(); });`,
        );
        t.regex(res.stdout, /^slot [12]: self/, `from m1 to ${target}: ${res.stderr}`);
      }
      // m1 counted what it carried (the node's metrics read these counters): four connections
      // and four UDP flows of the client, and its own process's on loopback (the one to w2's
      // address was w2's to take); bytes both ways, each packet once where it entered m1: the
      // client's four datagrams "hi" (30 bytes as IP packets) and the tasks' answers
      // "slot N: hi" (38), which come back through m1 from the workers.
      const listed = await inHost('m1', 'nft', '-j', 'list', 'counters', 'table', 'inet', 'flotilla');
      const counts = parseCounters(listed.stdout);
      t.true(counts.tcp.connections >= 5, `tcp connections counted: ${counts.tcp.connections}`);
      t.is(counts.udp.connections, 4, 'udp flows counted');
      t.deepEqual(
        [counts.udp.receivedBytes, counts.udp.sentBytes],
        [4 * 30, 4 * 38],
        'udp bytes from the client and to it',
      );
      t.true(
        counts.tcp.receivedBytes > 0 && counts.tcp.sentBytes > 0,
        `tcp bytes: ${JSON.stringify(counts.tcp)}`,
      );
    },
  );

  test.serial(
    'a task leaving the table gets no new connection; the one it has keeps working; its UDP flows move',
    async (t) => {
      t.timeout(180_000);
      // A held connection and a UDP flow on slot 2, the one that scaling down removes.
      const onSlot2 = async (cmd: 'hold' | 'uhold'): Promise<Client | undefined> => {
        for (let i = 0; i < 10; i++) {
          const c = new Client(addresses.m1!, 8080);
          t.teardown(() => c.close());
          if ((await c.send(cmd)).startsWith(`slot 2: ${cmd}`)) return c;
          c.close();
        }
        return undefined;
      };
      const held = await onSlot2('hold');
      const flow = await onSlot2('uhold');
      if (!held || !flow) return t.fail('no connection or flow reached slot 2');
      // What the node's metrics count as open: conntrack's entries with the mesh's mark.
      const open = await inHost(
        'm1',
        ...['conntrack', '-L', '-p', 'tcp', '-m', `${MESH_MARK}/${MESH_MARK}`, '--state', 'ESTABLISHED'],
      );
      t.true(open.stdout.trim().split('\n').length >= 1 && open.stdout.includes('ESTABLISHED'), open.stderr);
      const scaled = await lab.cluster('m1', 'service', 'scale', 'web=1', '-d');
      t.is(scaled.code, 0, scaled.stderr);
      await eventually(
        "slot 2 out of m1's chains",
        async () =>
          !/mod 2 map/.test(await chain('m1', 'tcp_8080')) &&
          !/mod 2 map/.test(await chain('m1', 'udp_8080')),
      );
      t.deepEqual(distinct(await slots(addresses.m1!, 8080, 'tcp', 6)), ['slot 1']);
      t.is(await held.send('again'), 'slot 2: again', 'the established connection still reaches its task');
      t.is(await flow.send('uagain'), 'slot 1: uagain', 'the UDP flow went to the task that stays');
      const back = await lab.cluster('m1', 'service', 'scale', 'web=2', '-d');
      t.is(back.code, 0, back.stderr);
    },
  );

  test.serial(
    '--mesh userspace and least-conn are served by the proxy; a service moves between the paths',
    async (t) => {
      t.timeout(180_000);
      await lab.createService('plain', '--replicas', '1', '--mesh', 'userspace', '-p', '8081:80', ...serve);
      await lab.createService('fewest', '--replicas', '1', '--lb', 'least-conn', '-p', '8082:80', ...serve);
      for (const [service, port] of [
        ['plain', 8081],
        ['fewest', 8082],
      ] as const) {
        await eventually(`${service} through the proxy`, async () => proxyListens('w1', port));
        t.is(await chain('w1', `tcp_${port}`), '', `no kernel chain for ${service}`);
        t.regex((await slots(addresses.w1!, port, 'tcp', 1))[0]!, /^slot 1: hi/);
      }
      const refused = await lab.cluster('m1', 'service', 'update', '--mesh', 'kernel', 'fewest');
      t.not(refused.code, 0);
      t.regex(refused.stderr, /--mesh.*least-conn/);
      const moved = await lab.cluster('m1', 'service', 'update', '-d', '--mesh', 'kernel', 'plain');
      t.is(moved.code, 0, moved.stderr);
      await eventually('plain in the kernel', async () => (await chain('w1', 'tcp_8081')).includes('dnat'));
      await eventually('the proxy off 8081', async () => !(await proxyListens('w1', 8081)));
      t.regex((await slots(addresses.w1!, 8081, 'tcp', 1))[0]!, /^slot 1: hi/);
    },
  );

  test.serial(
    'a port a program of the node listens on is left to it there, and served on the others',
    async (t) => {
      t.timeout(180_000);
      const w1 = (await lab.state())!.hosts.find((h) => h.name === 'w1')!;
      const program = spawn('nsenter', [
        `--net=/var/run/netns/${w1.netns}`,
        process.execPath,
        '-e',
        "require('node:net').createServer((s) => s.end('mine\\n')).listen(8090)",
      ]);
      t.teardown(() => program.kill('SIGKILL'));
      await eventually('the program listening', async () => proxyListens('w1', 8090));
      await lab.createService('taken', '--replicas', '1', '-p', '8090:80', ...serve);
      await eventually("taken in m1's kernel path", async () =>
        (await chain('m1', 'tcp_8090')).includes('dnat'),
      );
      t.regex((await slots(addresses.m1!, 8090, 'tcp', 1))[0]!, /^slot 1: hi/);
      t.is(await chain('w1', 'tcp_8090'), '', 'no rule takes the program’s traffic');
      t.deepEqual(await slots(addresses.w1!, 8090, 'tcp', 1), ['mine']);
    },
  );
}
