/**
 * The floor: three floor-member processes that replicate a put as cheaply as Node.js and
 * gRPC allow here (a stream to each follower, an fdatasync on each, one follower's ack),
 * with no consensus, log or state machine. What it takes is the least that any Raft on this
 * stack can take, so its commit latency says how far ours is from the stack's limit, and
 * whether etcd's figure is within reach at all. Mutual TLS under the tests' CA, as ours and
 * etcd run: each member holds a manager certificate, the benchmark an admin one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import { call, connect } from '../../proto/rpc.js';
import { testCredentials, writeTestCerts } from '../../test/fixtures/tls.js';
import { freePort } from '../../test/integration/cluster-harness.js';
import { FloorClient } from './floor-service.js';
import type { RaftSystem } from './system.js';

const memberMain = fileURLToPath(new URL('./floor-member.js', import.meta.url));
const LEADER = 1;

type PutMethod = (req: Buffer, cb: grpc.requestCallback<Buffer>) => grpc.ClientUnaryCall;

export class FloorSystem implements Pick<RaftSystem, 'name' | 'leader' | 'put' | 'pids' | 'close'> {
  readonly name = 'floor';

  private constructor(
    private readonly procs: ChildProcess[],
    private readonly client: grpc.Client,
  ) {}

  /** Starts a leader (member 1) and two followers, with their files under `dir`. */
  static async start(dir: string): Promise<FloorSystem> {
    const addrs = [];
    for (let i = 0; i < 3; i++) addrs.push(`127.0.0.1:${await freePort()}`);
    const procs: ChildProcess[] = [];
    try {
      const [leaderAddr, ...followerAddrs] = addrs as [string, ...string[]];
      for (const [i, addr] of followerAddrs.entries()) {
        procs.push(await start('follower', addr, join(dir, `f${i + 1}`)));
      }
      procs.push(await start('leader', leaderAddr, join(dir, 'leader'), ...followerAddrs));
      const tls = await testCredentials('admin', 'bench-floor-client');
      return new FloorSystem(procs, connect(FloorClient, leaderAddr, tls));
    } catch (err) {
      for (const p of procs) p.kill('SIGKILL');
      throw err;
    }
  }

  leader(): Promise<number> {
    return Promise.resolve(LEADER);
  }

  /** A put of `key` and `value` through the leader (there is no other way in). */
  async put(_id: number, key: string, value: Uint8Array, timeoutMs: number): Promise<void> {
    const put = (this.client as unknown as { Put: PutMethod }).Put;
    await call(this.client, put, Buffer.concat([Buffer.from(key), value]), timeoutMs);
  }

  pids(): number[] {
    return this.procs.flatMap((p) => (p.pid ? [p.pid] : []));
  }

  close(): Promise<void> {
    this.client.close();
    for (const p of this.procs) p.kill('SIGKILL');
    return Promise.resolve();
  }
}

/** Spawns a floor member, with a manager certificate in `dir`/certs (which makes `dir`), and waits until it serves. */
async function start(
  role: string,
  listen: string,
  dir: string,
  ...followers: string[]
): Promise<ChildProcess> {
  const certs = join(dir, 'certs');
  await writeTestCerts(certs, 'manager', `floor-${basename(dir)}`);
  const args = [role, listen, dir, certs, ...followers];
  const proc = spawn(process.execPath, [memberMain, ...args], { stdio: ['ignore', 'ignore', 2, 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    proc.once('exit', (code, signal) => reject(new Error(`floor ${role} exited (${code ?? signal})`)));
  });
  proc.unref();
  proc.channel?.unref();
  return proc;
}
