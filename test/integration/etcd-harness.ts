/**
 * A real etcd cluster on loopback for integration tests: `etcd` processes (Debian's
 * etcd-server package) on free ports with data in a temp dir, killed and removed by stop();
 * and a TCP proxy to cut one client off from etcd without stopping a member.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { eventually, freePort } from './cluster-harness.js';

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  process?: ChildProcess;
}

/** The command line of member `m` of a local etcd cluster of `members` in `dir` (the bench's too). */
export function etcdMemberArgs(
  dir: string,
  members: readonly Pick<Member, 'name' | 'peerUrl'>[],
  m: Pick<Member, 'name' | 'clientUrl' | 'peerUrl'>,
  state: 'new' | 'existing',
): string[] {
  return [
    `--name=${m.name}`,
    `--data-dir=${join(dir, m.name)}`,
    `--listen-client-urls=${m.clientUrl}`,
    `--advertise-client-urls=${m.clientUrl}`,
    `--listen-peer-urls=${m.peerUrl}`,
    `--initial-advertise-peer-urls=${m.peerUrl}`,
    `--initial-cluster=${members.map((x) => `${x.name}=${x.peerUrl}`).join(',')}`,
    `--initial-cluster-token=${dir}`,
    `--initial-cluster-state=${state}`,
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

export class EtcdCluster {
  private constructor(
    readonly dir: string,
    private readonly members: Member[],
  ) {}

  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** Starts `size` members and waits until the cluster answers. */
  static async start(size = 3): Promise<EtcdCluster> {
    if (spawnSync('etcd', ['--version']).error) {
      throw new Error('the etcd binary is missing: apt-get install etcd-server (see .ci/run)');
    }
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-etcd-'));
    const members: Member[] = [];
    for (let i = 1; i <= size; i++) {
      const [client, peer] = [await freePort(), await freePort()];
      members.push({
        name: `m${i}`,
        clientUrl: `http://127.0.0.1:${client}`,
        peerUrl: `http://127.0.0.1:${peer}`,
      });
    }
    const cluster = new EtcdCluster(dir, members);
    try {
      for (const m of members) cluster.spawn(m, 'new');
      await cluster.healthy();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** SIGKILLs member `i` (0-based). */
  async kill(i: number): Promise<void> {
    const p = this.member(i).process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = once(p, 'exit');
    p.kill('SIGKILL');
    await exited;
  }

  /** Starts member `i` again on its data dir. */
  restart(i: number): void {
    this.spawn(this.member(i), 'existing');
  }

  /** Waits until a write through every endpoint succeeds. */
  async healthy(): Promise<void> {
    const client = new Etcd3({ hosts: this.endpoints, dialTimeout: 2_000 });
    try {
      await eventually('etcd to answer', async () => {
        await client
          .put('/health')
          .value('ok')
          .options({ deadline: Date.now() + 2_000 });
        return true;
      });
    } finally {
      client.close();
    }
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.kill(i);
    await rm(this.dir, { recursive: true, force: true });
  }

  private member(i: number): Member {
    const m = this.members[i];
    if (!m) throw new Error(`no etcd member ${i}`);
    return m;
  }

  private spawn(m: Member, state: 'new' | 'existing'): void {
    const log = createWriteStream(join(this.dir, `${m.name}.log`), { flags: 'a' });
    m.process = spawn('etcd', etcdMemberArgs(this.dir, this.members, m, state), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    m.process.stderr?.pipe(log);
    // Never leave a member behind, even when the test process dies early.
    const reap = () => m.process?.kill('SIGKILL');
    process.once('exit', reap);
    m.process.once('exit', () => process.off('exit', reap));
  }
}

/** A TCP relay to one etcd member that a test can cut (every connection dropped and refused) and restore. */
export class TcpProxy {
  private cutOff = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(target);
    const server = createServer();
    const proxy = new TcpProxy(server, `http://127.0.0.1:${await freePort()}`);
    server.on('connection', (client) => {
      if (proxy.cutOff) return client.destroy();
      const upstream = connect(Number(port), hostname);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.once('close', () => proxy.sockets.delete(s));
        s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(Number(new URL(proxy.url).port), '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
