import { FlotillaError } from '../../../lib/errors.js';
import type { ConfChange, ConfState, HardState, Message, RaftId, Ready, SoftState } from '../types.js';
import { EntryType, MessageType, StateType } from '../types.js';
import { encodeConfChange } from './confchange.js';
import { isProposalDropped } from './errors.js';
import type { ProgressState } from './progress.js';
import type { Config } from './config.js';
import { newMessage } from './message.js';
import { Raft } from './raft.js';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
  isLearner: boolean;
  recentActive: boolean;
  inflight: number;
}

export interface Status {
  id: RaftId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  confState: ConfState;
  leadTransferee: RaftId;
  /** The leader's view of every member; only on the leader. */
  progress?: Map<RaftId, ProgressStatus>;
}

export type BasicStatus = Omit<Status, 'progress'>;

/** Where a proposed entry sits in the log. */
export interface LogPosition {
  index: number;
  term: number;
}

/** Types the core generates for itself; a peer never sends them. */
const LOCAL_TYPES = new Set([
  MessageType.Hup,
  MessageType.Beat,
  MessageType.Unreachable,
  MessageType.SnapStatus,
  MessageType.CheckQuorum,
]);

const RESPONSE_TYPES = new Set([
  MessageType.AppResp,
  MessageType.VoteResp,
  MessageType.HeartbeatResp,
  MessageType.PreVoteResp,
]);

const sameHardState = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;

/**
 * The driver's handle on the Raft core, in the style of etcd's RawNode. Feed it ticks,
 * messages and proposals; whenever hasReady(), take ready(), persist its hardState, entries
 * and snapshot, send its messages, apply its committed entries (calling applyConfChange for
 * conf change entries), then advance(rd). Never call ready() again before advance().
 */
export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): RaftId {
    return this.raft.id;
  }

  /** One unit of logical time. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-election first when preVote is on). */
  campaign(): void {
    this.raft.step(newMessage({ type: MessageType.Hup, from: this.raft.id }));
  }

  /**
   * Proposes data for the log. Throws a NOT_LEADER FlotillaError when the proposal is dropped.
   * Returns where the entry went in this node's log, or undefined when it was forwarded.
   */
  propose(data: Uint8Array): LogPosition | undefined {
    return this.proposeEntry(EntryType.Normal, data);
  }

  /**
   * Proposes a single-server membership change; it takes effect when applied via
   * applyConfChange. Returns as propose() does.
   */
  proposeConfChange(cc: ConfChange): LogPosition | undefined {
    return this.proposeEntry(EntryType.ConfChange, encodeConfChange(cc));
  }

  private proposeEntry(type: EntryType, data: Uint8Array): LogPosition | undefined {
    const r = this.raft;
    r.step(newMessage({ type: MessageType.Prop, from: r.id, entries: [{ term: 0, index: 0, type, data }] }));
    return r.state === StateType.Leader ? { index: r.log.lastIndex(), term: r.term } : undefined;
  }

  /** Applies a committed conf change entry's change; returns the membership now in force. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Handles a message from a peer. Proposals forwarded to us that we cannot take are dropped. */
  step(m: Message): void {
    if (LOCAL_TYPES.has(m.type)) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `raft: cannot step local message type ${MessageType[m.type]}`,
      );
    }
    // Answers from members we no longer know (e.g. just removed) are stale.
    if (RESPONSE_TYPES.has(m.type) && !this.raft.tracker.progress.has(m.from)) return;
    try {
      this.raft.step(m);
    } catch (err) {
      if (!isProposalDropped(err)) throw err;
    }
  }

  /** Asks the leader to hand leadership to `transferee` (forwarded when we are a follower). */
  transferLeadership(transferee: RaftId): void {
    this.raft.step(newMessage({ type: MessageType.TransferLeader, from: transferee }));
  }

  /**
   * Requests a linearizable read point. A ReadState with the same ctx appears in a later Ready
   * once leadership is confirmed; the read is served after applying up to its index. Silently
   * dropped when there is no leader: callers retry after a timeout.
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(
      newMessage({
        type: MessageType.ReadIndex,
        entries: [{ term: 0, index: 0, type: EntryType.Normal, data: ctx }],
      }),
    );
  }

  /** The transport failed to reach `id`: stop streaming to it optimistically. */
  reportUnreachable(id: RaftId): void {
    this.raft.step(newMessage({ type: MessageType.Unreachable, from: id }));
  }

  /** A snapshot send to `id` finished, successfully or not. */
  reportSnapshot(id: RaftId, ok: boolean): void {
    this.raft.step(newMessage({ type: MessageType.SnapStatus, from: id, reject: !ok }));
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    if (!sameHardState(r.hardState(), this.prevHardState)) return true;
    return (
      r.log.hasPendingSnapshot() ||
      r.log.unstable.entries.length > 0 ||
      r.log.hasNextCommittedEntries() ||
      r.msgs.length > 0 ||
      r.readStates.length > 0
    );
  }

  /** What to do now; see the class comment for the order. */
  ready(): Ready {
    const r = this.raft;
    const ss = r.softState();
    const hs = r.hardState();
    const rd: Ready = {
      readStates: r.readStates,
      entries: [...r.log.unstable.entries],
      committedEntries: r.log.nextCommittedEntries(Infinity),
      messages: r.msgs,
      mustSync: false,
    };
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) {
      rd.softState = ss;
      this.prevSoftState = ss;
    }
    if (!sameHardState(hs, this.prevHardState)) {
      rd.hardState = hs;
      rd.mustSync = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
      this.prevHardState = hs;
    }
    if (rd.entries.length > 0) rd.mustSync = true;
    if (r.log.unstable.snapshot) rd.snapshot = r.log.unstable.snapshot;
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  /** The caller persisted, sent and applied everything in rd. */
  advance(rd: Ready): void {
    const log = this.raft.log;
    const last = rd.entries[rd.entries.length - 1];
    if (last) log.stableTo(last.index, last.term);
    if (rd.snapshot) log.stableSnapTo(rd.snapshot.metadata.index);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied) log.appliedTo(lastApplied.index);
    else if (rd.snapshot && rd.snapshot.metadata.index > log.applied)
      log.appliedTo(rd.snapshot.metadata.index);
  }

  /** status() without the leader's progress map: cheap enough to call after every step. */
  basicStatus(): BasicStatus {
    const r = this.raft;
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.log.applied,
      confState: r.tracker.confState(),
      leadTransferee: r.leadTransferee,
    };
  }

  status(): Status {
    const r = this.raft;
    const status: Status = this.basicStatus();
    if (r.state === StateType.Leader) {
      status.progress = new Map(
        r.tracker.ids().map((id) => {
          const pr = r.tracker.progress.get(id)!;
          return [
            id,
            {
              match: pr.match,
              next: pr.next,
              state: pr.state,
              isLearner: pr.isLearner,
              recentActive: pr.recentActive,
              inflight: pr.inflights.count(),
            },
          ];
        }),
      );
    }
    return status;
  }
}
