import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  RaftId,
  ReadState,
  Snapshot,
  SoftState,
} from '../types.js';
import { invalidArgument } from '../../../lib/errors.js';
import { ConfChangeType, EntryType, MessageType, NONE, StateType } from '../types.js';
import { changeMembership } from './confchange.js';
import { describeMessage } from './describe.js';
import { entriesSize } from './entries.js';
import { CompactedError, proposalDropped, raftPanic, SnapshotUnavailableError } from './errors.js';
import { RaftLog } from './log.js';
import { ReadOnly } from './readonly.js';
import { ProgressTracker, sortedIds } from './tracker.js';
import { SILENT_LOGGER, type Config, type RaftLogger } from './config.js';
import { EMPTY, isVoteType, newMessage, sameBytes } from './message.js';

/** Marks vote requests of a leadership transfer: they override the leader lease. */
const CAMPAIGN_TRANSFER = new TextEncoder().encode('CampaignTransfer');

/** A follower forgets one tick of the slowest leader silence it learned every this many ticks. */
const GAP_FADE_TICKS = 64;

type Campaign = 'pre-election' | 'election' | 'transfer';

/** The Raft state machine. Driven by step() and tick(); its output is msgs, readStates and the log. */
export class Raft {
  readonly id: RaftId;
  term = 0;
  vote: RaftId = NONE;
  lead: RaftId = NONE;
  state: StateType = StateType.Follower;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  /** Messages to send, drained by the RawNode into a Ready. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** The node leadership is being handed to, or NONE. */
  leadTransferee: RaftId = NONE;
  /** Index of the latest conf change proposed by this leader; a new one waits until it is applied. */
  pendingConfIndex = 0;
  electionElapsed = 0;
  /**
   * The longest silence between the leader's messages (in ticks) that this follower heard
   * lately, fading a tick every GAP_FADE_TICKS ticks (see patience).
   */
  private slowestGap = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readOnly = new ReadOnly();
  /** Read requests that wait for this leader's first commit in its term. */
  private pendingReads: Message[] = [];

  readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  private readonly maxSizePerMsg: number;
  private readonly checkQuorum: boolean;
  private readonly preVote: boolean;
  private readonly disableProposalForwarding: boolean;
  private readonly random: () => number;
  readonly logger: RaftLogger;

  constructor(c: Config) {
    if (c.id === NONE) throw invalidArgument('raft config id', 'a non-zero node id', c.id);
    if (c.heartbeatTick <= 0)
      throw invalidArgument('raft config heartbeatTick', 'a positive tick count', c.heartbeatTick);
    if (c.electionTick <= c.heartbeatTick) {
      throw invalidArgument('raft config electionTick', 'more ticks than heartbeatTick', c.electionTick);
    }
    if ((c.maxInflightMsgs ?? 256) <= 0) {
      throw invalidArgument('raft config maxInflightMsgs', 'a positive count', c.maxInflightMsgs);
    }
    this.id = c.id;
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.maxSizePerMsg = c.maxSizePerMsg ?? 1024 * 1024;
    this.checkQuorum = c.checkQuorum ?? false;
    this.preVote = c.preVote ?? false;
    this.disableProposalForwarding = c.disableProposalForwarding ?? false;
    this.random = c.random;
    this.logger = c.logger ?? SILENT_LOGGER;
    this.log = new RaftLog(c.storage);
    this.tracker = new ProgressTracker(c.maxInflightMsgs ?? 256, c.maxInflightBytes ?? 0);

    const { hardState, confState } = c.storage.initialState();
    this.switchToConfState(confState);
    this.loadHardState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.log.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
    const cs = this.tracker.confState();
    this.logger.info(
      {
        term: this.term,
        commit: this.log.committed,
        applied: this.log.applied,
        lastIndex: this.log.lastIndex(),
        lastTerm: this.log.lastTerm(),
        voters: cs.voters,
        learners: cs.learners,
      },
      'state loaded',
    );
  }

  private loadHardState(hs: HardState): void {
    if (hs.commit > this.log.lastIndex()) {
      throw raftPanic(`the saved commit ${hs.commit} is past the last saved entry ${this.log.lastIndex()}`);
    }
    // A persisted snapshot is committed even if the hard state recording it was not written.
    this.log.commitTo(hs.commit);
    this.term = hs.term;
    this.vote = hs.vote;
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /** A voter of the current membership, with no snapshot waiting to be persisted. */
  promotable(): boolean {
    return this.tracker.voters.has(this.id) && !this.log.hasPendingSnapshot();
  }

  // ---- sending -------------------------------------------------------------------------------

  private send(m: Message): void {
    m.from = this.id;
    if (isVoteType(m.type)) {
      // Vote traffic carries the term of the election it belongs to, set by the caller.
      if (m.term === 0) throw raftPanic(`a ${MessageType[m.type]} left without the term of its election`);
    } else if (m.type !== MessageType.Prop && m.type !== MessageType.ReadIndex) {
      m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Passes a request on to the leader, termless like a local one. */
  private forwardToLeader(m: Message): void {
    // A transfer request names its transferee in `from`; everything else is answered to us.
    const from = m.type === MessageType.TransferLeader ? m.from : this.id;
    this.msgs.push({ ...m, to: this.lead, from, term: 0 });
  }

  /**
   * Sends an append (or a snapshot) to `to` if its progress allows. With sendIfEmpty false, an
   * append without entries is not sent. Returns whether a message was sent.
   */
  private maybeSendAppend(to: RaftId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    let ents: Entry[] | undefined;
    if (prevTerm !== undefined) {
      try {
        ents = this.log.entriesFrom(pr.next, this.maxSizePerMsg);
      } catch (err) {
        if (!(err instanceof CompactedError)) throw err;
      }
    }
    if (prevTerm === undefined || ents === undefined) return this.maybeSendSnapshot(to);
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send(
      newMessage({
        type: MessageType.App,
        to,
        index: prevIndex,
        logTerm: prevTerm,
        entries: ents,
        commit: this.log.committed,
      }),
    );
    if (ents.length > 0) pr.sentEntries(ents[ents.length - 1]!.index, entriesSize(ents));
    return true;
  }

  /** The follower needs entries we compacted: send it the snapshot. */
  private maybeSendSnapshot(to: RaftId): boolean {
    const pr = this.tracker.progress.get(to)!;
    // A follower we have not heard from lately may be down: a snapshot would be wasted.
    if (!pr.recentActive) {
      this.logger.debug({ to }, 'snapshot held back: peer silent lately');
      return false;
    }
    let snap: Snapshot;
    try {
      snap = this.log.snapshot();
    } catch (err) {
      if (err instanceof SnapshotUnavailableError) return false;
      throw err;
    }
    if (snap.metadata.index === 0) throw raftPanic('the snapshot to send is empty');
    this.logger.debug(
      { to, index: snap.metadata.index, term: snap.metadata.term, firstIndex: this.log.firstIndex() },
      'peer needs compacted entries: snapshot out',
    );
    pr.becomeSnapshot(snap.metadata.index);
    this.send(newMessage({ type: MessageType.Snap, to, snapshot: snap }));
    return true;
  }

  private sendHeartbeat(to: RaftId, ctx: Uint8Array): void {
    // Never tell a follower to commit beyond what it is known to hold.
    const commit = Math.min(this.tracker.progress.get(to)!.match, this.log.committed);
    this.send(newMessage({ type: MessageType.Heartbeat, to, commit, context: ctx }));
  }

  private forEachPeer(fn: (id: RaftId) => void): void {
    for (const id of this.tracker.ids()) if (id !== this.id) fn(id);
  }

  private bcastAppend(): void {
    this.forEachPeer((id) => this.maybeSendAppend(id, true));
  }

  private bcastHeartbeat(ctx: Uint8Array = this.readOnly.lastPendingCtx() ?? EMPTY): void {
    this.forEachPeer((id) => this.sendHeartbeat(id, ctx));
  }

  // ---- state transitions ---------------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    const last = this.log.lastIndex();
    for (const [id, old] of this.tracker.progress) {
      const pr = this.tracker.newProgress(last + 1, old.isLearner);
      if (id === this.id) pr.match = last;
      this.tracker.progress.set(id, pr);
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReads = [];
  }

  becomeFollower(term: number, lead: RaftId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
    this.logger.info({ role: 'follower', term: this.term, leader: lead }, 'role changed');
  }

  private becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw raftPanic('a leader cannot start a pre-election');
    // A pre-election changes neither term nor vote: losing it must leave no trace.
    this.tracker.resetVotes();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
    this.logger.info({ role: 'pre-candidate', term: this.term }, 'role changed');
  }

  private becomeCandidate(): void {
    if (this.state === StateType.Leader) throw raftPanic('a leader cannot start an election');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
    this.logger.info({ role: 'candidate', term: this.term }, 'role changed');
  }

  private becomeLeader(): void {
    if (this.state === StateType.Follower) throw raftPanic('a follower cannot lead without an election');
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    const self = this.tracker.progress.get(this.id)!;
    self.becomeReplicate();
    self.recentActive = true;
    this.appendEntries([{ term: 0, index: 0, type: EntryType.Normal, data: EMPTY }]);
    // Conf changes wait until this empty entry is applied: by then every earlier entry, conf
    // changes included, is applied, and the leader has committed an entry of its own term
    // (the rule that makes single-server changes safe across leader changes).
    this.pendingConfIndex = this.log.lastIndex();
    this.logger.info({ role: 'leader', term: this.term }, 'role changed');
  }

  // ---- ticking -------------------------------------------------------------------------------

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    this.slowestGap = Math.max(0, this.slowestGap - 1 / GAP_FADE_TICKS);
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout + this.patience()) {
      this.electionElapsed = 0;
      this.step(newMessage({ type: MessageType.Hup, from: this.id }));
    }
  }

  /**
   * A word from the leader: the election clock starts over, and the silence it ends is learned
   * if the leader was slow but not gone (at most twice the election timeout: a longer one was
   * a partition or a restart, which must not make anyone slower to replace a leader).
   */
  private heardFromLeader(from: RaftId): void {
    const gap = this.electionElapsed;
    if (from === this.lead && gap <= 2 * this.electionTimeout)
      this.slowestGap = Math.max(this.slowestGap, gap);
    this.electionElapsed = 0;
    this.lead = from;
  }

  /**
   * Ticks this follower waits beyond its election timeout before it campaigns, and beyond the
   * lease in which it refuses others' vote requests: up to one election timeout more, once it
   * has heard the leader fall silent for over half an election timeout. A leader's heartbeats
   * wait behind every long turn of its process (a large write applied, a snapshot), and under
   * load those turns came near the election timeout: elections, one after another, each new
   * leader as busy as the last. A follower that has seen the leader that slow waits long
   * enough to tell slow from gone; a leader gone for good is still replaced within about
   * three election timeouts, and within one or two once the slow spell is forgotten.
   */
  private patience(): number {
    return Math.min(this.electionTimeout, Math.max(0, Math.ceil(2 * this.slowestGap) - this.electionTimeout));
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(newMessage({ type: MessageType.CheckQuorum, from: this.id }));
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) {
        this.logger.info({ to: this.leadTransferee }, 'hand-over abandoned: took too long');
        this.leadTransferee = NONE;
      }
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(newMessage({ type: MessageType.Beat, from: this.id }));
    }
  }

  // ---- elections -----------------------------------------------------------------------------

  private hup(kind: Campaign): void {
    if (this.state === StateType.Leader) {
      this.logger.debug({ term: this.term }, 'no campaign: leading already');
      return;
    }
    if (!this.promotable()) {
      this.logger.warn({ term: this.term }, 'no campaign: not a voter, or a snapshot is unsaved');
      return;
    }
    // Until every committed membership change is applied, our view of the voters may be stale.
    if (this.hasUnappliedConfChanges()) {
      this.logger.warn(
        { term: this.term, commit: this.log.committed, applied: this.log.applied },
        'no campaign: a committed membership change is not applied yet',
      );
      return;
    }
    const patience = this.patience();
    this.logger.info(
      { term: this.term, campaign: kind, ...(patience > 0 ? { patience } : {}) },
      'campaigning',
    );
    this.campaign(kind);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const ents = this.log.slice(this.log.applied + 1, this.log.committed + 1, Infinity);
    return ents.some((e) => e.type === EntryType.ConfChange);
  }

  private campaign(kind: Campaign): void {
    let voteType: MessageType;
    let term: number;
    if (kind === 'pre-election') {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      // Asks for votes for the term we would use, without moving to it yet.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    const respType = voteType === MessageType.PreVote ? MessageType.PreVoteResp : MessageType.VoteResp;
    if (this.poll(this.id, respType, true) === 'won') {
      // A single voter wins at once.
      if (kind === 'pre-election') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    for (const id of sortedIds(this.tracker.voters)) {
      if (id === this.id) continue;
      this.logger.info(
        {
          type: MessageType[voteType],
          to: id,
          term,
          logTerm: this.log.lastTerm(),
          index: this.log.lastIndex(),
        },
        'vote asked',
      );
      this.send(
        newMessage({
          type: voteType,
          to: id,
          term,
          index: this.log.lastIndex(),
          logTerm: this.log.lastTerm(),
          context: kind === 'transfer' ? CAMPAIGN_TRANSFER : EMPTY,
        }),
      );
    }
  }

  private poll(id: RaftId, t: MessageType, granted: boolean): 'won' | 'lost' | 'pending' {
    if (id !== this.id) {
      this.logger.info({ type: MessageType[t], from: id, term: this.term, granted }, 'vote answered');
    }
    this.tracker.recordVote(id, granted);
    const { granted: g, rejected, result } = this.tracker.tallyVotes();
    if (id !== this.id) {
      this.logger.info({ type: MessageType[t], granted: g, refused: rejected, result }, 'votes counted');
    }
    return result;
  }

  // ---- stepping ------------------------------------------------------------------------------

  /**
   * Handles one message, local or from a peer. Throws a NOT_LEADER FlotillaError when a
   * proposal is dropped.
   */
  step(m: Message): void {
    if (m.term === 0) {
      // Local message, or a forwarded proposal / read request.
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = sameBytes(m.context, CAMPAIGN_TRANSFER);
        const lease = this.electionTimeout + this.patience();
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < lease;
        if (!force && inLease) {
          // We heard from a leader within the election timeout: this candidate is disruptive.
          this.logger.info(
            {
              type: MessageType[m.type],
              from: m.from,
              term: m.term,
              leader: this.lead,
              ticksLeft: lease - this.electionElapsed,
            },
            'vote request ignored: the leader was heard from lately',
          );
          return;
        }
      }
      if (m.type === MessageType.PreVote) {
        // Never change term in answer to a pre-vote.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // The term in a granted pre-vote is the one we will campaign in once we win.
      } else {
        this.logger.info(
          { type: MessageType[m.type], from: m.from, term: m.term, ourTerm: this.term },
          'newer term seen',
        );
        const fromLeader =
          m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap;
        this.becomeFollower(m.term, fromLeader ? m.from : NONE);
      }
    } else if (m.term < this.term) {
      if (
        (this.checkQuorum || this.preVote) &&
        (m.type === MessageType.Heartbeat || m.type === MessageType.App)
      ) {
        // A stale leader (e.g. from the minority side of a partition) learns our term and steps
        // down; without this, with pre-vote or check-quorum it could keep us from ever electing.
        this.send(newMessage({ type: MessageType.AppResp, to: m.from }));
      } else if (m.type === MessageType.PreVote) {
        this.send(newMessage({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true }));
      } else {
        this.logger.debug(
          { type: MessageType[m.type], from: m.from, term: m.term, ourTerm: this.term },
          'stale term: message dropped',
        );
      }
      return;
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.preVote ? 'pre-election' : 'election');
        return;
      case MessageType.Vote:
      case MessageType.PreVote:
        this.handleVoteRequest(m);
        return;
    }
    switch (this.state) {
      case StateType.Leader:
        this.stepLeader(m);
        return;
      case StateType.Candidate:
      case StateType.PreCandidate:
        this.stepCandidate(m);
        return;
      case StateType.Follower:
        this.stepFollower(m);
        return;
    }
  }

  private handleVoteRequest(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === MessageType.PreVote && m.term > this.term);
    const respType = m.type === MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp;
    const fields = {
      type: MessageType[m.type],
      from: m.from,
      term: m.term,
      logTerm: m.logTerm,
      index: m.index,
      vote: this.vote,
      ourLogTerm: this.log.lastTerm(),
      ourIndex: this.log.lastIndex(),
    };
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.logger.info(fields, 'vote granted');
      this.send(newMessage({ type: respType, to: m.from, term: m.term }));
      if (m.type === MessageType.Vote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.logger.info(fields, 'vote refused');
      this.send(newMessage({ type: respType, to: m.from, term: this.term, reject: true }));
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat();
        return;
      case MessageType.CheckQuorum:
        if (!this.tracker.quorumActive()) {
          this.logger.warn({ term: this.term }, 'stepping down: no quorum heard from lately');
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.tracker.progress) pr.recentActive = id === this.id;
        return;
      case MessageType.Prop:
        this.propose(m);
        return;
      case MessageType.ReadIndex:
        this.leaderReadIndex(m);
        return;
      case MessageType.TransferLeader:
        this.startTransfer(m.from);
        return;
    }
    const pr = this.tracker.progress.get(m.from);
    if (!pr) {
      this.logger.debug({ type: MessageType[m.type], from: m.from }, 'message from a non-member dropped');
      return;
    }
    switch (m.type) {
      case MessageType.AppResp:
        this.handleAppendResponse(m);
        return;
      case MessageType.HeartbeatResp:
        pr.recentActive = true;
        pr.probeSent = false;
        // Acks may have been lost: let one more append out to find the gap.
        if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.log.lastIndex()) this.maybeSendAppend(m.from, true);
        if (m.context.byteLength > 0) this.confirmReads(m.from, m.context);
        return;
      case MessageType.SnapStatus:
        if (pr.state !== 'snapshot') return;
        if (m.reject) pr.pendingSnapshot = 0;
        this.logger.debug({ to: m.from, delivered: !m.reject }, 'snapshot done: probing the peer');
        pr.becomeProbe();
        // Wait for a heartbeat answer before probing again.
        pr.probeSent = true;
        return;
      case MessageType.Unreachable:
        if (pr.state === 'replicate') pr.becomeProbe();
        this.logger.debug({ to: m.from }, 'peer unreachable: probing');
        return;
    }
  }

  private propose(m: Message): void {
    if (m.entries.length === 0) throw raftPanic('a proposal without entries');
    if (!this.tracker.progress.has(this.id)) {
      throw proposalDropped('this node was removed from the cluster', NONE);
    }
    if (this.leadTransferee !== NONE) {
      throw proposalDropped(`leadership is being transferred to ${this.leadTransferee}`, this.id);
    }
    const ents = m.entries.map((e, i) => {
      if (e.type !== EntryType.ConfChange) return e;
      if (this.pendingConfIndex > this.log.applied) {
        // One membership change at a time: this one becomes a no-op entry.
        this.logger.info(
          { pending: this.pendingConfIndex, applied: this.log.applied },
          'membership change turned into a no-op: the previous one is not applied yet',
        );
        return { ...e, type: EntryType.Normal, data: EMPTY };
      }
      this.pendingConfIndex = this.log.lastIndex() + i + 1;
      return e;
    });
    this.appendEntries(ents);
    this.bcastAppend();
  }

  private appendEntries(ents: Entry[]): void {
    const last = this.log.lastIndex();
    const stamped = ents.map((e, i) => ({ ...e, term: this.term, index: last + 1 + i }));
    this.log.append(stamped);
    this.tracker.progress.get(this.id)?.maybeUpdate(this.log.lastIndex());
    this.maybeCommit();
  }

  /** Advances the commit index to what a quorum holds, if that entry is from this term. */
  private maybeCommit(): boolean {
    if (!this.log.maybeCommit(this.tracker.committed(), this.term)) return false;
    this.releasePendingReads();
    return true;
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from)!;
    pr.recentActive = true;
    if (m.reject) {
      this.logger.debug(
        { from: m.from, index: m.index, hintIndex: m.rejectHint, hintTerm: m.logTerm },
        'append refused: finding where the logs agree',
      );
      // Skip back over a whole term of our log the follower cannot match.
      const nextProbe =
        m.logTerm > 0 ? this.log.findConflictByTerm(m.rejectHint, m.logTerm).index : m.rejectHint;
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.maybeSendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    // A probe answered at our current match (e.g. after reportUnreachable) also proves the logs
    // agree there: resume replicating, unless replicating would need a snapshot at once (then
    // heartbeats pace the retries).
    const confirmsProbe =
      pr.state === 'probe' && pr.match === m.index && pr.match + 1 >= this.log.firstIndex();
    if (!pr.maybeUpdate(m.index) && !confirmsProbe) return;
    if (pr.state === 'probe') {
      pr.becomeReplicate();
    } else if (pr.state === 'snapshot' && pr.match + 1 >= this.log.firstIndex()) {
      // The follower caught up past our compaction point: back to replicating from the log.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else if (wasPaused) {
      this.maybeSendAppend(m.from, true);
    }
    while (this.maybeSendAppend(m.from, false)) {
      // Fill the inflight window.
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.logger.info({ to: m.from, index: pr.match }, 'hand-over: peer caught up, told to campaign');
      this.send(newMessage({ type: MessageType.TimeoutNow, to: m.from }));
    }
  }

  private startTransfer(transferee: RaftId): void {
    const pr = this.tracker.progress.get(transferee);
    if (!pr || pr.isLearner) {
      this.logger.debug({ to: transferee }, 'hand-over refused: not a voter');
      return;
    }
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return;
      this.logger.info({ to: this.leadTransferee, next: transferee }, 'hand-over abandoned for another');
      this.leadTransferee = NONE;
    }
    if (transferee === this.id) return;
    this.logger.info({ to: transferee, term: this.term }, 'hand-over started');
    // The transfer must finish within an election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.log.lastIndex()) {
      this.logger.info({ to: transferee, index: pr.match }, 'hand-over: peer up to date, told to campaign');
      this.send(newMessage({ type: MessageType.TimeoutNow, to: transferee }));
    } else {
      this.maybeSendAppend(transferee, true);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  private leaderReadIndex(m: Message): void {
    if (this.tracker.voters.size === 1 && this.tracker.voters.has(this.id)) {
      this.respondToRead(m, this.log.committed);
      return;
    }
    // Our commit index is only known to be current once an entry of our term is committed.
    if (this.log.term(this.log.committed) !== this.term) {
      this.pendingReads.push(m);
      return;
    }
    this.startReadConfirmation(m);
  }

  private startReadConfirmation(m: Message): void {
    const ctx = m.entries[0]!.data;
    this.readOnly.add(this.log.committed, m);
    this.readOnly.recvAck(this.id, ctx);
    this.bcastHeartbeat(ctx);
  }

  private releasePendingReads(): void {
    if (this.pendingReads.length === 0 || this.log.term(this.log.committed) !== this.term) return;
    const reads = this.pendingReads;
    this.pendingReads = [];
    for (const m of reads) this.startReadConfirmation(m);
  }

  private confirmReads(from: RaftId, ctx: Uint8Array): void {
    const acks = this.readOnly.recvAck(from, ctx);
    if (!acks) return;
    let voters = 0;
    for (const id of acks) if (this.tracker.voters.has(id)) voters++;
    if (voters < this.tracker.quorum()) return;
    for (const rs of this.readOnly.advance(ctx)) this.respondToRead(rs.req, rs.index);
  }

  private respondToRead(req: Message, index: number): void {
    const requestCtx = req.entries[0]!.data;
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx });
    } else {
      this.send(newMessage({ type: MessageType.ReadIndexResp, to: req.from, index, entries: req.entries }));
    }
  }

  // ---- candidate and follower ----------------------------------------------------------------

  private stepCandidate(m: Message): void {
    const myVoteResp = this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.Prop:
        throw proposalDropped(`no leader in term ${this.term}`, NONE);
      case MessageType.App:
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case myVoteResp:
        switch (this.poll(m.from, m.type, !m.reject)) {
          case 'won':
            if (this.state === StateType.PreCandidate) {
              this.campaign('election');
            } else {
              this.becomeLeader();
              this.bcastAppend();
            }
            return;
          case 'lost':
            this.becomeFollower(this.term, NONE);
            return;
          case 'pending':
            return;
        }
        return;
      default:
        this.logger.debug(
          { type: MessageType[m.type], from: m.from, term: this.term, role: this.state },
          'message not for a candidate: dropped',
        );
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === NONE) throw proposalDropped(`no leader in term ${this.term}`, NONE);
        if (this.disableProposalForwarding)
          throw proposalDropped('proposal forwarding is disabled', this.lead);
        this.forwardToLeader(m);
        return;
      case MessageType.App:
        this.heardFromLeader(m.from);
        this.handleAppend(m);
        return;
      case MessageType.Heartbeat:
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        return;
      case MessageType.TransferLeader:
      case MessageType.ReadIndex:
        if (this.lead === NONE) {
          this.logger.info(
            { type: MessageType[m.type], term: this.term },
            'no leader to pass it to: dropped',
          );
          return;
        }
        this.forwardToLeader(m);
        return;
      case MessageType.TimeoutNow:
        this.logger.info({ from: m.from, term: this.term }, 'hand-over: the leader asks us to campaign');
        // A transfer skips the pre-election: the leader itself asked us to take over.
        this.hup('transfer');
        return;
      case MessageType.ReadIndexResp: {
        const ctx = m.entries[0];
        if (m.entries.length !== 1 || !ctx) {
          this.logger.warn(
            { from: m.from, entries: m.entries.length },
            'read index answer dropped: expected one entry',
          );
          return;
        }
        this.readStates.push({ index: m.index, requestCtx: ctx.data });
        return;
      }
      default:
        this.logger.debug(
          { type: MessageType[m.type], from: m.from, term: this.term, message: describeMessage(m) },
          'message not for a follower: dropped',
        );
    }
  }

  private handleAppend(m: Message): void {
    if (m.index < this.log.committed) {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.log.committed }));
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: lastNew }));
      return;
    }
    // Tell the leader where our log might match, so it can skip a whole mismatching term.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.logger.debug(
      {
        from: m.from,
        index: m.index,
        logTerm: m.logTerm,
        ourLogTerm: this.log.term(m.index) ?? 0,
        hintIndex: hint.index,
        hintTerm: hint.term,
      },
      'append refused: logs differ there',
    );
    this.send(
      newMessage({
        type: MessageType.AppResp,
        to: m.from,
        index: m.index,
        reject: true,
        rejectHint: hint.index,
        logTerm: hint.term,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(m.commit);
    this.send(newMessage({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const snap = m.snapshot;
    if (!snap) throw raftPanic(`a snapshot message from ${m.from} holds no snapshot`);
    const { index, term } = snap.metadata;
    if (this.restore(snap)) {
      this.logger.info({ from: m.from, index, term }, 'snapshot taken in');
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.log.lastIndex() }));
    } else {
      this.logger.info({ from: m.from, index, term, commit: this.log.committed }, 'snapshot not needed');
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.log.committed }));
    }
  }

  /** Replaces the log by the snapshot unless we already have what it covers. */
  private restore(snap: Snapshot): boolean {
    const { index, term, confState } = snap.metadata;
    if (index <= this.log.committed) return false;
    if (this.state !== StateType.Follower)
      throw raftPanic(`a snapshot reached a ${this.state}; only followers take one`);
    if (!confState.voters.includes(this.id) && !confState.learners.includes(this.id)) {
      this.logger.warn(
        { index, voters: confState.voters, learners: confState.learners },
        'snapshot dropped: its membership leaves us out',
      );
      return false;
    }
    if (this.log.matchTerm(index, term)) {
      // Our log already holds the snapshot's last entry: just commit up to it.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(snap);
    this.switchToConfState(confState);
    return true;
  }

  // ---- membership ----------------------------------------------------------------------------

  /** Applies a committed membership change; the application calls this when it applies the entry. */
  applyConfChange(cc: ConfChange): ConfState {
    const next = changeMembership(this.tracker, cc);
    if ('refused' in next) {
      this.logger.warn(
        { nodeId: cc.nodeId, change: ConfChangeType[cc.type], why: next.refused },
        'membership change refused',
      );
      return this.tracker.confState();
    }
    const cs: ConfState = { voters: sortedIds(next.voters), learners: sortedIds(next.learners) };
    this.switchToConfState(cs);
    this.logger.info({ voters: cs.voters, learners: cs.learners }, 'membership changed');
    if (this.state !== StateType.Follower && !this.tracker.voters.has(this.id)) {
      // Removed from the voters: stop leading (or campaigning); the remaining voters elect.
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.state !== StateType.Leader) return cs;
    // The quorum changed: the commit index may move, and new members need the log.
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      this.forEachPeer((id) => this.maybeSendAppend(id, false));
    }
    if (this.leadTransferee !== NONE && !this.tracker.voters.has(this.leadTransferee)) {
      this.leadTransferee = NONE;
    }
    return cs;
  }

  private switchToConfState(cs: ConfState): void {
    const t = this.tracker;
    t.voters = new Set(cs.voters);
    t.learners = new Set(cs.learners);
    for (const id of t.ids()) {
      if (!t.voters.has(id) && !t.learners.has(id)) t.progress.delete(id);
    }
    for (const id of [...cs.voters, ...cs.learners]) {
      const pr = t.progress.get(id);
      if (pr) {
        pr.isLearner = t.learners.has(id);
        continue;
      }
      const fresh = t.newProgress(this.log.lastIndex() + 1, t.learners.has(id));
      // A new member counts as active, so that check-quorum does not trip before it answers.
      fresh.recentActive = true;
      if (id === this.id) fresh.match = this.log.lastIndex();
      t.progress.set(id, fresh);
    }
  }
}
