/**
 * The anchor: a 3-member etcd cluster (Debian's etcd-server, etcd's default timing) on
 * loopback, with mutual TLS on its client and peer URLs under the tests' CA, as ours runs.
 * The shared peer kit's setup.sh (../shared/peers/etcd) speaks plain HTTP only, so the members
 * are started here as it starts them, with TLS flags and certificates added.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { noop } from 'cockatiel';
import { Etcd3, type IOptions } from 'etcd3';
import { eventually, freePort } from '../../test/integration/cluster-harness.js';
import { testMaterial, writeTestCerts } from '../../test/fixtures/tls.js';
import { etcdMemberArgs } from '../../test/integration/etcd-harness.js';
import type { MemberStatus, RaftSystem } from './system.js';

interface Member {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  proc?: ChildProcess;
}

/** The benchmark's client identity: an admin certificate, etcd3's way. */
async function clientCredentials(): Promise<IOptions['credentials']> {
  const { ca, cert, key } = await testMaterial('admin', 'bench-etcd-client');
  return { rootCertificate: Buffer.from(ca), privateKey: Buffer.from(key), certChain: Buffer.from(cert) };
}

export class EtcdSystem implements RaftSystem {
  readonly name = 'etcd';
  readonly ids = [1, 2, 3];
  private readonly byMemberId = new Map<string, number>();

  private constructor(
    private readonly dir: string,
    private readonly members: Member[],
    private readonly clients: Etcd3[],
  ) {}

  /** Starts the cluster in `dir` on free ports and waits until it is healthy; stops it again if it is not. */
  static async start(dir: string): Promise<EtcdSystem> {
    if (spawnSync('etcd', ['--version']).error) {
      throw new Error('the etcd binary is missing: apt-get install etcd-server');
    }
    await mkdir(dir, { recursive: true });
    const members: Member[] = [];
    for (const id of [1, 2, 3]) {
      const name = `m${id}`;
      // etcd checks the addresses its peers and clients reach it at against the certificate.
      await writeTestCerts(join(dir, `${name}.certs`), 'manager', `etcd-${name}`, {
        altNames: { ip: ['127.0.0.1'] },
      });
      const [client, peer] = [await freePort(), await freePort()];
      members.push({ name, clientUrl: `https://127.0.0.1:${client}`, peerUrl: `https://127.0.0.1:${peer}` });
    }
    const credentials = await clientCredentials();
    // No retries or circuit breakers inside the client: every error counts, none is hidden.
    const clients = members.map(
      (m) =>
        new Etcd3({
          hosts: m.clientUrl,
          credentials,
          dialTimeout: 2_000,
          faultHandling: { host: () => noop, global: noop },
        }),
    );
    const sys = new EtcdSystem(dir, members, clients);
    try {
      for (const m of members) sys.spawn(m, 'new');
      await sys.waitHealthy();
      for (const [i, c] of clients.entries()) {
        const s = await c.maintenance.status({ deadline: Date.now() + 5_000 });
        sys.byMemberId.set(s.header.member_id, i + 1);
      }
      return sys;
    } catch (err) {
      await sys.close();
      throw err;
    }
  }

  private member(id: number): Member {
    const m = this.members[id - 1];
    if (!m) throw new Error(`no etcd member ${id}`);
    return m;
  }

  private client(id: number): Etcd3 {
    const c = this.clients[id - 1];
    if (!c) throw new Error(`no etcd member ${id}`);
    return c;
  }

  /** Starts a member on its data dir in this cluster; its output goes to `<name>.log`. */
  private spawn(m: Member, state: 'new' | 'existing'): void {
    const certs = join(this.dir, `${m.name}.certs`);
    const tls = (prefix: string) => [
      `--${prefix}cert-file=${join(certs, 'cert.pem')}`,
      `--${prefix}key-file=${join(certs, 'key.pem')}`,
      `--${prefix}trusted-ca-file=${join(certs, 'ca.pem')}`,
      `--${prefix}client-cert-auth`,
    ];
    const out = openSync(join(this.dir, `${m.name}.log`), 'a');
    const proc = spawn(
      'etcd',
      [...etcdMemberArgs(this.dir, this.members, m, state), ...tls(''), ...tls('peer-')],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    m.proc = proc;
    // Never leave a member behind, even when the benchmark dies early.
    const reap = () => proc.kill('SIGKILL');
    process.once('exit', reap);
    proc.once('exit', () => {
      process.off('exit', reap);
      if (m.proc === proc) delete m.proc;
    });
  }

  leader(): Promise<number> {
    return eventually('an etcd leader', async () => {
      for (const id of this.ids) {
        const { leader } = await this.status(id, 1_000).catch(() => ({ leader: 0 }));
        if (leader) return leader;
      }
      return undefined;
    });
  }

  async put(id: number, key: string, value: Uint8Array, timeoutMs: number): Promise<void> {
    await this.client(id).kv.put(
      { key: Buffer.from(key), value: Buffer.from(value) },
      { deadline: Date.now() + timeoutMs },
    );
  }

  async status(id: number, timeoutMs: number): Promise<MemberStatus> {
    const s = await this.client(id).maintenance.status({ deadline: Date.now() + timeoutMs });
    return { leader: this.byMemberId.get(s.leader) ?? 0, term: Number(s.raftTerm) };
  }

  pids(): number[] {
    return this.members.flatMap((m) => (m.proc?.pid ? [m.proc.pid] : []));
  }

  async kill(id: number): Promise<void> {
    const proc = this.member(id).proc;
    if (!proc) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed member again and waits until a linearizable read answers through it. */
  async restart(id: number): Promise<void> {
    this.spawn(this.member(id), 'existing');
    await eventually(`etcd m${id} serving`, () => this.read(this.client(id)));
  }

  async waitHealthy(): Promise<void> {
    await eventually('etcd healthy and caught up', async () => {
      const st = await Promise.all(
        this.clients.map((c) => c.maintenance.status({ deadline: Date.now() + 1_000 })),
      );
      const indexes = st.map((s) => Number(s.raftIndex));
      const leaders = new Set(st.map((s) => s.leader));
      if (leaders.size !== 1 || leaders.has('0') || Math.max(...indexes) - Math.min(...indexes) > 2)
        return false;
      // And a linearizable read answers through every member.
      await Promise.all(this.clients.map((c) => this.read(c)));
      return true;
    });
  }

  private async read(c: Etcd3): Promise<true> {
    await c.kv.range({ key: Buffer.from('health') }, { deadline: Date.now() + 1_000 });
    return true;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await Promise.all(this.ids.map((id) => this.kill(id)));
  }
}
