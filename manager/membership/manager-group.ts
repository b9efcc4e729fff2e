/**
 * The group of managers as this manager knows it: who leads and where (so a call goes to
 * the leader), what to say when no one leads, each manager's reachability as the leader
 * sees it, and whether the group can lose a member and still decide.
 */
import { FlotillaError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { ManagerStatus } from '../../proto/gen/flotilla/ManagerStatus.js';
import type { RaftNode } from '../raft/node/index.js';
import { NONE, type RaftId } from '../raft/types.js';
import { Admission } from './admission.js';

/** Longer than an election timeout, so that a member is Unreachable only when it really is. */
const REACHABLE_WITHIN_MS = 1_000;

export type Route = { local: true } | { local: false; leaderId: RaftId; leaderAddr: string };

export class ManagerGroup {
  /** Adds joining and promoted managers to the group, on the leader. */
  readonly admission: Admission;

  constructor(
    readonly raft: RaftNode,
    log: Logger,
    private readonly dataDir: string,
  ) {
    this.admission = new Admission(raft, log);
  }

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
