/**
 * How a manager enters the Raft group, on the leader: it gets a Raft id no member has, is
 * added as a learner (it receives the log but does not vote), and becomes a voter once it
 * has caught up, so a new manager never counts towards the quorum before it can answer.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Logger } from '../../lib/log.js';
import type { RaftMemberAddress, RaftNode } from '../raft/node/index.js';
import type { RaftId } from '../raft/types.js';

/** Learners are promoted once they are this close to the leader's commit index. */
const CAUGHT_UP_ENTRIES = 10;
const PROMOTE_CHECK_MS = 200;

export class Admission {
  constructor(
    private readonly raft: RaftNode,
    private readonly log: Logger,
  ) {}

  /** A Raft id no member has. */
  newRaftId(): RaftId {
    const taken = new Set(this.raft.memberList().map((m) => m.id));
    let raftId: RaftId;
    do raftId = randomInt(1, 2 ** 48);
    while (taken.has(raftId));
    return raftId;
  }

  /**
   * The Raft id of the manager with public key `spki`: the same key always gets the same id,
   * so a join made again after an answer was lost admits nobody twice (48 bits: two keys
   * meet with odds of one in 2^48).
   */
  raftIdFor(spki: Uint8Array): RaftId {
    return createHash('sha256').update(spki).digest().readUIntBE(0, 6) || 1;
  }

  /**
   * Adds a manager as a learner (once: a retry finds it there) and returns the members it
   * is to contact.
   */
  async admit(raftId: RaftId, addr: string): Promise<RaftMemberAddress[]> {
    const members = this.raft.memberList();
    if (members.some((m) => m.id === raftId)) return members.filter((m) => m.id !== raftId);
    await this.raft.addMember({ id: raftId, address: addr }, { learner: true });
    this.log.info({ raftId, addr }, 'manager admitted as a learner; it becomes a voter once caught up');
    return members;
  }

  /** Runs on the leader until the signal aborts: promotes learners that have caught up. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, PROMOTE_CHECK_MS));
      const progress = this.raft.status().progress;
      if (!progress || signal.aborted) continue;
      const commit = this.raft.commitIndex;
      for (const [id, p] of progress) {
        // match 0: the learner has acknowledged nothing yet (it may not even run), however short the log.
        if (!p.isLearner || p.match === 0 || p.match + CAUGHT_UP_ENTRIES < commit) continue;
        await this.raft.promoteMember(id).then(
          () => this.log.info({ raftId: id }, 'manager caught up; it now votes'),
          (err: unknown) => this.log.debug({ err, raftId: id }, 'promotion deferred'),
        );
      }
    }
  }
}
