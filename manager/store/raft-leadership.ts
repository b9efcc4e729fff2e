import type { Logger } from '../../lib/log.js';
import { LeadershipState, type Leadership } from '../leadership.js';
import type { RaftNode } from '../raft/node/index.js';
import type { RaftId } from '../raft/types.js';

/**
 * Leadership that follows the Raft leader. A new leader starts its loops only once it has
 * applied everything its predecessors committed, so they never act on an old state.
 */
export class RaftLeadership implements Leadership {
  private readonly state = new LeadershipState();
  private readonly onLeader = (leader: RaftId): void => this.leaderChanged(leader);

  constructor(
    private readonly raft: RaftNode,
    private readonly log: Logger,
  ) {
    raft.on('leader', this.onLeader);
    this.leaderChanged(raft.leader);
  }

  get isLeader(): boolean {
    return this.state.isLeader;
  }

  async leaderAddr(): Promise<string | undefined> {
    return this.raft.memberList().find((m) => m.id === this.raft.leader)?.address;
  }

  subscribe(fn: (isLeader: boolean) => void): () => void {
    return this.state.subscribe(fn);
  }

  async close(): Promise<void> {
    if (this.state.isClosed) return;
    this.raft.off('leader', this.onLeader);
    const wasLeading = this.state.isLeader;
    this.set(false);
    this.state.close();
    if (wasLeading && this.raft.memberList().length > 1) {
      // Hand over now rather than let the others wait out an election timeout.
      await this.raft.transferLeadership().catch((err: unknown) => {
        this.log.warn({ err }, 'could not hand leadership over; the other managers will elect a leader');
      });
    }
  }

  private leaderChanged(leader: RaftId): void {
    if (leader !== this.raft.id) {
      this.set(false);
      return;
    }
    const term = this.raft.term;
    this.raft.readBarrier().then(
      () => {
        // Once closed, the state ignores this.
        if (this.raft.isLeader && this.raft.term === term) this.set(true);
      },
      (err: unknown) => this.log.debug({ err }, 'leadership not confirmed'),
    );
  }

  private set(leading: boolean): void {
    if (this.state.set(leading))
      this.log.info(leading ? 'this manager leads: control loops start' : 'this manager no longer leads');
  }
}
