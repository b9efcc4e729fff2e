/**
 * The anchor: the 3-member etcd cluster of the shared peer kit (../shared/peers/etcd, or
 * ETCD_PEER_DIR), started by its setup.sh with etcd's default timing and stopped by its
 * teardown.sh. The kit's state file is kept in our temp dir, not in the kit.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { eventually } from '../../test/integration/cluster-harness.js';
import type { MemberStatus, RaftSystem } from './system.js';

// From dist/bench/raft-vs-etcd/ the project root is three levels up; the kit is ../shared/peers/etcd from there.
const peerDir =
  process.env.ETCD_PEER_DIR ?? fileURLToPath(new URL('../../../../shared/peers/etcd/', import.meta.url));

/** Runs one of the kit's scripts; its output goes to our stderr, keeping stdout for figures. */
function kit(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(join(peerDir, script), args, { env, stdio: ['ignore', 2, 2] });
    p.once('error', reject);
    p.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} ${args.join(' ')}: exit ${code}`)),
    );
  });
}

/** Gone, or a zombie that nobody has reaped yet (setup.sh's shell is not its parent any more). */
async function gone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

export class EtcdSystem implements RaftSystem {
  readonly name = 'etcd';
  readonly ids = [1, 2, 3];
  private readonly byMemberId = new Map<string, number>();

  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    private readonly clients: Etcd3[],
  ) {}

  /** Starts the cluster; tears it down again if it does not come up. */
  static async start(stateFile: string): Promise<EtcdSystem> {
    const env = { ...process.env, ETCD_BENCH_STATE: stateFile };
    let sys: EtcdSystem | undefined;
    try {
      await kit('setup.sh', [], env);
      const dir = (await readFile(stateFile, 'utf8')).trim();
      const clusterEnv = await readFile(join(dir, 'cluster.env'), 'utf8');
      const endpoints = /^ETCD_ENDPOINTS=(.*)$/m.exec(clusterEnv)?.[1]?.split(',') ?? [];
      if (endpoints.length !== 3) throw new Error(`expected 3 endpoints in ${dir}/cluster.env`);
      // No retries or circuit breakers inside the client: every error counts, none is hidden.
      const clients = endpoints.map(
        (hosts) =>
          new Etcd3({ hosts, dialTimeout: 2_000, faultHandling: { host: () => noop, global: noop } }),
      );
      sys = new EtcdSystem(env, dir, clients);
      for (const [i, c] of clients.entries()) {
        const s = await c.maintenance.status({ deadline: Date.now() + 5_000 });
        sys.byMemberId.set(s.header.member_id, i + 1);
      }
      return sys;
    } catch (err) {
      if (sys) await sys.close();
      else await kit('teardown.sh', [], env).catch(() => undefined);
      throw err;
    }
  }

  private client(id: number): Etcd3 {
    const c = this.clients[id - 1];
    if (!c) throw new Error(`no etcd member ${id}`);
    return c;
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
    // A killed member's pid file is gone until it is started again.
    const pidFiles = this.ids.map((id) => join(this.dir, `m${id}.pid`)).filter((f) => existsSync(f));
    return pidFiles.map((f) => Number(readFileSync(f, 'utf8')));
  }

  async kill(id: number): Promise<void> {
    const pidFile = join(this.dir, `m${id}.pid`);
    // Read synchronously so that the signal is sent before the caller's clock moves on.
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(`etcd m${id} gone`, () => gone(pid), 10_000);
    // `setup.sh start` takes a pid that still answers kill -0 for a running member, and a
    // zombie does until it is reaped.
    await rm(pidFile);
  }

  restart(id: number): Promise<void> {
    return kit('setup.sh', ['start', String(id)], this.env);
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
      await Promise.all(
        this.clients.map((c) => c.kv.range({ key: Buffer.from('health') }, { deadline: Date.now() + 1_000 })),
      );
      return true;
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await kit('teardown.sh', [], this.env);
  }
}
