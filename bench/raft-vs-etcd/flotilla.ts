/** Ours: three raft-member processes (test/fixtures/raft-member), fsync on, default timing. */
import { MemberCluster } from '../../test/fixtures/raft-member/client.js';
import type { MemberStatus, RaftSystem } from './system.js';

export class FlotillaSystem implements RaftSystem {
  readonly name = 'flotilla';
  readonly ids: readonly number[];

  private constructor(private readonly cluster: MemberCluster) {
    this.ids = cluster.members.map((m) => m.id);
  }

  static async start(): Promise<FlotillaSystem> {
    const cluster = await MemberCluster.start();
    await cluster.leader();
    return new FlotillaSystem(cluster);
  }

  leader(): Promise<number> {
    return this.cluster.leader();
  }

  async put(id: number, key: string, value: Uint8Array, timeoutMs: number): Promise<void> {
    await this.cluster.putVia(id, key, value, timeoutMs);
  }

  async status(id: number, timeoutMs: number): Promise<MemberStatus> {
    const s = await this.cluster.member(id).client.status(timeoutMs);
    return { leader: s.leader, term: s.term };
  }

  pids(): number[] {
    return this.cluster.members.flatMap((m) => (m.proc?.pid ? [m.proc.pid] : []));
  }

  kill(id: number): Promise<void> {
    return this.cluster.kill(id);
  }

  restart(id: number): Promise<void> {
    return this.cluster.spawn(id);
  }

  async waitHealthy(): Promise<void> {
    await this.cluster.waitConverged();
  }

  close(): Promise<void> {
    return this.cluster.destroy();
  }
}
