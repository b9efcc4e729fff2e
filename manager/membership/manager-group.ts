/**
 * The managers as a Raft group: who leads and where it is, admitting a joining manager
 * (first as a learner, promoted once it has caught up), and each manager's reachability
 * as the leader sees it.
 */
import { randomInt } from 'node:crypto';
import { FlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { ManagerStatus } from '../proto/gen/flotilla/ManagerStatus.js';
import type { RaftMemberAddress, RaftNode } from './raft/node/index.js';
import { NONE, type RaftId } from './raft/types.js';

/** Learners are promoted once they are this close to the leader's commit index. */
const CAUGHT_UP_ENTRIES = 10;
const PROMOTE_CHECK_MS = 200;
/** Longer than an election timeout, so that a member is Unreachable only when it really is. */
const REACHABLE_WITHIN_MS = 1_000;

export type Route = { local: true } | { local: false; leaderId: RaftId; leaderAddr: string };

export class ManagerGroup {
  constructor(
    readonly raft: RaftNode,
    private readonly log: Logger,
    private readonly dataDir: string,
  ) {}

  /** Where a write goes: here when this manager leads, else to the leader. */
  route(): Route {
    if (this.raft.isLeader) return { local: true };
    const leader = this.raft.leader;
    const addr = leader === NONE ? undefined : this.raft.memberList().find((m) => m.id === leader)?.address;
    // A leader whose disk is full steps aside: the full disk is why it cannot take the call.
    if (addr === undefined) throw this.raft.paused ?? this.noLeaderError();
    return { local: false, leaderId: leader, leaderAddr: addr };
  }

  /**
   * The error for a call when no manager leads: it says why and how to recover; for a read,
   * also how to read this manager's copy anyway.
   */
  noLeaderError(read = false): FlotillaError {
    const members = this.raft.memberList().length;
    const stale = read
      ? ' This manager cannot confirm that its copy of the state is current: to read it anyway ' +
        '(it may miss the latest changes), run the command again as `cluster --stale-ok ...`.'
      : '';
    return new FlotillaError(
      'NO_QUORUM',
      `no manager leads the cluster: fewer than ${Math.floor(members / 2) + 1} of its ${members} managers ` +
        `can reach each other (or an election is under way: retry in a second).${stale} If managers are lost for good, ` +
        `recover on a surviving one with \`cluster init --force-new-cluster --data-dir ${this.dataDir}\` (it keeps the state).`,
    );
  }

  /** How old this manager's copy of the state may be, for reads answered without a quorum. */
  staleness(): string {
    const contact = this.raft.lastLeaderContact;
    const since =
      contact === undefined
        ? 'never in touch with a leader since it started'
        : `last in touch with a leader ${((Date.now() - contact) / 1000).toFixed(1)} s ago`;
    return `no manager leads (no quorum): this answer is this manager's own copy of the state (applied index ${this.raft.appliedIndex}), ${since}; changes made since are missing`;
  }

  /** A Raft id no member has. */
  newRaftId(): RaftId {
    const taken = new Set(this.raft.memberList().map((m) => m.id));
    let raftId: RaftId;
    do raftId = randomInt(1, 2 ** 48);
    while (taken.has(raftId));
    return raftId;
  }

  /**
   * On the leader: adds a manager as a learner (once: a retry finds it there) and returns
   * the members it is to contact.
   */
  async admit(raftId: RaftId, addr: string): Promise<RaftMemberAddress[]> {
    const members = this.raft.memberList();
    if (members.some((m) => m.id === raftId)) return members.filter((m) => m.id !== raftId);
    await this.raft.addMember({ id: raftId, address: addr }, { learner: true });
    this.log.info({ raftId, addr }, 'manager admitted as a learner; it becomes a voter once caught up');
    return members;
  }

  /**
   * Whether removing `raftId` leaves a group that can still decide: the remaining voters
   * the leader hears from must be a majority of the remaining voters.
   */
  checkRemoval(raftId: RaftId, hostname: string): void {
    const status = this.raft.status();
    const voters = status.confState.voters.filter((id) => id !== raftId);
    if (!status.confState.voters.includes(raftId)) return;
    if (voters.length === 0) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `${hostname} is the last manager; promote another node first`,
      );
    }
    const reachable = voters.filter((id) => id === this.raft.id || this.reachable(id)).length;
    const quorum = Math.floor(voters.length / 2) + 1;
    if (reachable < quorum) {
      throw new FlotillaError(
        'CONFLICT',
        `demoting ${hostname} would leave ${reachable} reachable of ${voters.length} managers, fewer than the ${quorum} needed to decide; bring the unreachable managers back first`,
      );
    }
  }

  /** On the leader: takes a manager out of the Raft group (a no-op when it is gone already). */
  async remove(raftId: RaftId): Promise<void> {
    if (!this.raft.memberList().some((m) => m.id === raftId)) return;
    await this.raft.removeMember(raftId);
    this.log.info({ raftId }, 'manager removed from the Raft group');
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

  /** A manager's status with the leader's view of it filled in (reachability is known on the leader only). */
  describe(status: ManagerStatus): ManagerStatus {
    const self = status.raftId === this.raft.id;
    return {
      ...status,
      leader: status.raftId === this.raft.leader,
      reachability:
        self || this.raft.isLeader
          ? self || this.reachable(status.raftId)
            ? 'REACHABLE'
            : 'UNREACHABLE'
          : 'UNKNOWN',
    };
  }

  /** Heard from lately: a leader hears from every member at each heartbeat. */
  private reachable(id: RaftId): boolean {
    const since = this.raft.sinceContact(id);
    return since !== undefined && since < REACHABLE_WITHIN_MS;
  }
}
