/**
 * The loop that drives the Raft core with real time, disk and network: ticks from a timer,
 * messages from the transport, proposals from the application; and for every Ready:
 * persist (fsync) → send → apply → advance. Proposals resolve once their entry is applied
 * here, and fail fast when this node stops being the leader. A node whose disk is full
 * pauses until its write fits (see persistOrPause).
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../lib/log.js';
import { silentLogger } from '../../../lib/log.js';
import { FlotillaError, isFlotillaError, type LeaderHint } from '../../../lib/errors.js';
import { raftMetrics } from '../../../lib/node-metrics.js';
import { MemoryStorage, RawNode, type LogPosition, type Status } from '../core/index.js';
import { RaftDisk, type PersistRequest } from '../storage/index.js';
import type { ConfChange, ConfState, Entry, HardState, Message, RaftId, Ready, Snapshot } from '../types.js';
import { ConfChangeType, EntryType, MessageType, NONE, StateType } from '../types.js';
import {
  decodeAddress,
  decodeSnapshotData,
  encodeAddress,
  encodeSnapshotData,
  readConfChange,
  type RaftMemberAddress,
  type SnapshotBytes,
} from './members.js';

export type { RaftMemberAddress };
import { coalesceAppends } from './coalesce.js';
import { CommitNotices } from './commit-notices.js';
import { forceNewCluster } from './force-new-cluster.js';
import { LogStorage } from './log-storage.js';
import { ReadWaiters } from './read-waiters.js';
import type { RaftTransport } from './transport.js';
import { ProposalWaiters } from './waiters.js';

/** The application's replicated state. */
export interface StateMachine {
  /**
   * Applies a committed entry, in log order. Entries without data are never passed. Synchronous,
   * deterministic. The data is opaque to Raft and may be anything a log ever held: an entry the
   * machine cannot read is its own to skip, never a throw (that would stop the node at every
   * restart, and fail force-new-cluster).
   */
  apply(entry: Entry): void;
  /**
   * The state as of the last applied entry, for a snapshot: captured when called, though
   * the encoding may finish later (without holding the event loop for long).
   */
  snapshot(): SnapshotBytes | Promise<SnapshotBytes>;
  /**
   * Replaces the whole state with a snapshot's. It may take turns of the event loop (a large
   * state is best restored a slice at a time): nothing else is applied until it resolves.
   */
  restore(data: Uint8Array): void | Promise<void>;
}

export interface RaftNodeOptions {
  id: RaftId;
  /** WAL and snapshot files (created if missing). */
  dir: string;
  /** The node owns it from now on and closes it in close(). */
  transport: RaftTransport;
  stateMachine: StateMachine;
  /**
   * Founding members (this one included) of a new group; used only when dir holds no state.
   * Without it, an empty node waits for a leader that has added it to send a snapshot.
   */
  bootstrap?: RaftMemberAddress[];
  /**
   * Where the members of the group it joins are, for a node added to a running group: it
   * answers them until the leader's snapshot tells it the whole membership.
   */
  peers?: RaftMemberAddress[];
  /**
   * Recovery from a lost quorum: first rewrite dir as a group of this member alone, keeping
   * every committed entry (see force-new-cluster.ts).
   */
  forceNewCluster?: boolean;
  logger?: Logger;
  /** Length of a tick (default 25 ms). An election timeout is electionTick (default 10) to 2 × electionTick ticks. */
  tickMs?: number;
  electionTick?: number;
  heartbeatTick?: number;
  /** Applied entries between snapshots (default 10,000). */
  snapshotEvery?: number;
  /**
   * Bytes of entries applied since the last snapshot that call for the next one, however few
   * the entries, or the last snapshot's size when that is larger (default 16 MiB: a
   * snapshot of a state that small costs little).
   */
  snapshotBytes?: number;
  /** Entries kept in memory behind a snapshot, for followers that lag a little (default 5,000). */
  keepEntries?: number;
  /** At most this many bytes of them (default 16 MiB). */
  keepBytes?: number;
  /** Backstop for a proposal whose fate stays unknown (default 10 s). */
  proposalTimeoutMs?: number;
}

export interface RaftNodeEvents {
  /** The known leader changed (NONE while an election runs). */
  leader: [leader: RaftId, term: number];
  /** This node was removed from the group; it will take no further part. */
  removed: [];
  /** Persisting failed; the node has stopped. */
  fatal: [err: Error];
}

/** How long an empty append waits for the next append to carry its commit index instead. */
const COMMIT_NOTICE_DELAY_MS = 2;
/** How often a node paused by a full disk tries its write again. */
const DISK_RETRY_MS = 1_000;

const DEFAULTS = {
  tickMs: 25,
  // Elections after 0.25 to 0.5 s without a leader's word, longer once followers have heard
  // the leader fall silent that long (see patience in core/raft.ts and docs/raft.md).
  electionTick: 10,
  heartbeatTick: 2,
  snapshotEvery: 10_000,
  snapshotBytes: 16 * 1024 * 1024,
  keepEntries: 5_000,
  keepBytes: 16 * 1024 * 1024,
  proposalTimeoutMs: 10_000,
};

export class RaftNode extends EventEmitter<RaftNodeEvents> {
  readonly id: RaftId;
  private readonly opts: typeof DEFAULTS;
  private readonly proposals = new ProposalWaiters();
  private readonly reads = new ReadWaiters();
  private readonly commitNotices = new CommitNotices(COMMIT_NOTICE_DELAY_MS, (messages) =>
    this.transport.send(messages),
  );
  private readonly ticker: NodeJS.Timeout;
  /** When a late tick was last warned of (see noteLateTick). */
  private lateTickWarned = 0;
  private leaderId: RaftId = NONE;
  private leaderContact: number | undefined;
  /** When a message from each peer last arrived. */
  private readonly contact = new Map<RaftId, number>();
  private role: StateType = StateType.Follower;
  /** The hard state as last handed out by the core (its commit index may not be on disk yet). */
  private hardState: HardState;
  private commitUnwritten = false;
  /** The last log index this node has on disk. */
  private durableIndex: number;
  private currentTerm: number;
  private applied: number;
  private snapshotIndex: number;
  /** Bytes of the entries applied since the last snapshot was taken or installed. */
  private appliedBytes = 0;
  /** Set while a Ready is being handled: the core allows no new Ready before advance(). */
  private busy: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  /** A member was added: a node that joins can only start from a snapshot that names it. */
  private snapshotDue = false;
  private snapshotting: Promise<void> | undefined;
  /** Why this node takes no part in the group now: its disk is full (see persistOrPause). */
  private pausedBy: FlotillaError | undefined;
  /** Takes this member back from the metrics' sources. */
  private readonly unlend: () => void;

  private constructor(
    private readonly rawNode: RawNode,
    private readonly storage: LogStorage,
    private readonly disk: RaftDisk,
    private readonly transport: RaftTransport,
    private readonly stateMachine: StateMachine,
    private readonly members: Map<RaftId, string>,
    private confState: ConfState,
    private readonly log: Logger,
    id: RaftId,
    opts: typeof DEFAULTS,
  ) {
    super();
    this.id = id;
    this.opts = opts;
    this.hardState = storage.initialState().hardState;
    this.currentTerm = this.hardState.term;
    this.durableIndex = storage.lastIndex();
    this.applied = storage.snapshotMetadata().index;
    this.snapshotIndex = this.applied;
    for (const [id, address] of members) if (id !== this.id) transport.setPeer(id, address);
    this.unlend = raftMetrics.sources.lend(this);
    transport.start({
      receive: (m) => this.receive(m),
      unreachable: (id) => this.input(() => this.rawNode.reportUnreachable(id)),
      snapshotSent: (id, ok) => this.input(() => this.rawNode.reportSnapshot(id, ok)),
    });
    let lastTick = performance.now();
    this.ticker = setInterval(() => {
      const now = performance.now();
      this.noteLateTick(now - lastTick - this.opts.tickMs);
      lastTick = now;
      this.proposals.expire();
      this.input(() => this.rawNode.tick());
    }, this.opts.tickMs);
  }

  static async start(options: RaftNodeOptions): Promise<RaftNode> {
    const log = (options.logger ?? silentLogger()).child({ room: 'raft', raftId: options.id });
    if (options.forceNewCluster) await forceNewCluster(options.dir, options.id, options.stateMachine, log);
    const { disk, state } = await RaftDisk.open(options.dir, {
      warn: (msg) => log.warn({ part: 'disk' }, msg),
    });
    try {
      const storage = new LogStorage(options.dir);
      const fresh = !state.snapshot && state.entries.length === 0 && state.hardState.term === 0;
      // The snapshot the member starts from, if any.
      let snapshot: Snapshot | undefined;
      if (fresh && options.bootstrap) {
        const members = new Map(options.bootstrap.map((m) => [m.id, m.address]));
        if (!members.has(options.id)) {
          throw new FlotillaError(
            'INVALID_ARGUMENT',
            `raft: bootstrap members must include this node (${options.id})`,
          );
        }
        const data = await encodeSnapshotData(members, await options.stateMachine.snapshot());
        const seed = MemoryStorage.bootstrap({ voters: [...members.keys()], learners: [] }, data);
        const { hardState } = seed.initialState();
        await disk.persist({ snapshot: seed.snapshot(), hardState, entries: [], mustSync: true });
        storage.applySnapshot(seed.snapshot());
        storage.setHardState(hardState);
        snapshot = seed.snapshot();
      } else {
        if (state.snapshot) storage.applySnapshot(state.snapshot);
        storage.setHardState(state.hardState);
        storage.append(state.entries);
        snapshot = state.snapshot;
      }
      const { members, app } = decodeSnapshotData(snapshot?.data ?? new Uint8Array());
      const applied = storage.snapshotMetadata().index;
      if (applied > 0) await options.stateMachine.restore(app);
      const opts = { ...DEFAULTS, ...definedOnly(options) };
      const rawNode = new RawNode({
        id: options.id,
        electionTick: opts.electionTick,
        heartbeatTick: opts.heartbeatTick,
        storage,
        random: Math.random,
        applied,
        checkQuorum: true,
        preVote: true,
        // Proposals are taken by the leader only, so that each one knows its log position.
        disableProposalForwarding: true,
        logger: log.child({ part: 'core' }),
      });
      log.info(
        { term: state.hardState.term, commit: state.hardState.commit, snapshot: applied },
        fresh && !options.bootstrap ? 'raft node waiting to be added to a group' : 'raft node started',
      );
      if (members.size === 0) for (const p of options.peers ?? []) members.set(p.id, p.address);
      return new RaftNode(
        rawNode,
        storage,
        disk,
        options.transport,
        options.stateMachine,
        members,
        storage.initialState().confState,
        log,
        options.id,
        opts,
      );
    } catch (err) {
      await disk.close();
      throw err;
    }
  }

  get leader(): RaftId {
    return this.leaderId;
  }

  get isLeader(): boolean {
    return this.role === StateType.Leader;
  }

  get term(): number {
    return this.currentTerm;
  }

  /** Milliseconds since a message from `id` last arrived; undefined if none has. */
  sinceContact(id: RaftId): number | undefined {
    const at = this.contact.get(id);
    return at === undefined ? undefined : Date.now() - at;
  }

  /** When a message from the leader last arrived (ms since the epoch); undefined if none has. */
  get lastLeaderContact(): number | undefined {
    return this.isLeader ? Date.now() : this.leaderContact;
  }

  /** While the disk is full: the error saying so, with which writes and reads are refused. */
  get paused(): FlotillaError | undefined {
    return this.pausedBy;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get commitIndex(): number {
    return this.hardState.commit;
  }

  /** The members as of the last applied entry. */
  memberList(): RaftMemberAddress[] {
    return [...this.members].map(([id, address]) => ({ id, address }));
  }

  status(): Status {
    return this.rawNode.status();
  }

  /**
   * Appends data to the replicated log. Resolves with its index once it is committed and
   * applied here. Rejects with NOT_LEADER when this node is not the leader or stops being it
   * before the entry commits (the entry may then still commit under the next leader), and
   * with TIMEOUT as a last resort.
   */
  propose(data: Uint8Array): Promise<number> {
    return this.proposeEntry(() => this.rawNode.propose(data));
  }

  /** Adds a voter, or a learner that receives the log without voting until promoted. */
  async addMember(member: RaftMemberAddress, opts: { learner?: boolean } = {}): Promise<void> {
    await this.changeMembership({
      type: opts.learner ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode,
      nodeId: member.id,
      context: encodeAddress(member.address),
    });
  }

  /** Makes a learner a voter. */
  async promoteMember(id: RaftId): Promise<void> {
    const address = this.members.get(id);
    if (address === undefined) throw new FlotillaError('NOT_FOUND', `raft: no member ${id}`);
    await this.changeMembership({
      type: ConfChangeType.AddNode,
      nodeId: id,
      context: encodeAddress(address),
    });
  }

  async removeMember(id: RaftId): Promise<void> {
    await this.changeMembership({ type: ConfChangeType.RemoveNode, nodeId: id, context: new Uint8Array() });
  }

  /**
   * A linearizable read point: resolves, with the commit index the leader confirmed, once this
   * node has applied everything committed before the call.
   */
  readBarrier(): Promise<number> {
    if (this.closed) return Promise.reject(closedError());
    if (this.pausedBy) return Promise.reject(this.pausedBy);
    const ctx = randomBytes(16);
    const read = this.reads.wait(ctx, this.electionTimeoutMs() * 2);
    this.input(() => this.rawNode.readIndex(ctx));
    return read;
  }

  /** Hands leadership to `to` (default: the most caught-up voter); resolves with the new leader. */
  async transferLeadership(to?: RaftId): Promise<RaftId> {
    const progress = this.rawNode.status().progress;
    if (!this.isLeader || !progress) {
      throw this.notLeader('only the leader can transfer leadership');
    }
    const target =
      to ??
      [...progress]
        .filter(([id, p]) => id !== this.id && !p.isLearner)
        .sort((a, b) => b[1].match - a[1].match)[0]?.[0];
    if (target === undefined)
      throw new FlotillaError('UNAVAILABLE', 'raft: no other voter to take leadership');
    const changed = new Promise<RaftId>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('leader', onLeader);
        reject(new FlotillaError('TIMEOUT', `raft: member ${target} did not take leadership in time`));
      }, this.electionTimeoutMs() * 2);
      const onLeader = (leader: RaftId): void => {
        if (leader === NONE || leader === this.id) return;
        clearTimeout(timer);
        this.off('leader', onLeader);
        resolve(leader);
      };
      this.on('leader', onLeader);
    });
    this.input(() => this.rawNode.transferLeadership(target));
    return changed;
  }

  /** Resolves once the snapshot being taken, if any, is written and the log compacted. */
  async snapshotTaken(): Promise<void> {
    await this.snapshotting;
  }

  /** Stops the node: no more ticks, messages or proposals; pending ones fail with CANCELLED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unlend();
    clearInterval(this.ticker);
    this.commitNotices.close();
    await this.busy;
    await this.snapshotting;
    this.proposals.failAll(closedError);
    this.reads.failAll(closedError);
    await this.transport.close();
    if (this.commitUnwritten) {
      await this.disk
        .persist({ hardState: this.hardState, entries: [], mustSync: true })
        .catch(() => undefined);
    }
    await this.disk.close();
  }

  // ---- the loop

  /** A message from a peer. */
  private receive(m: Message): void {
    // Proposals are only taken from this node's own propose(): no member forwards one (see
    // disableProposalForwarding), so one from the network is forged. The core refuses the
    // other local-only types itself.
    if (m.type === MessageType.Prop) {
      this.log.warn({ from: m.from, type: MessageType[m.type] }, 'proposal from a peer dropped');
      return;
    }
    const now = Date.now();
    this.contact.set(m.from, now);
    if (m.from === this.leaderId) this.leaderContact = now;
    this.input(() => this.rawNode.step(m));
  }

  /** Feeds the core one input, then makes sure its Ready will be handled. */
  private input(fn: () => void): void {
    if (this.closed || this.pausedBy) return;
    try {
      fn();
    } catch (err) {
      this.log.warn({ err }, 'input refused by the core');
    }
    this.schedule();
  }

  /**
   * Handles Ready on the next turn of the event loop, so that proposals and messages that
   * arrive together share one fsync. While a Ready is being persisted more input piles up for
   * the next one. Waiting for the next turn rather than the end of this one (nextTick) lets
   * more proposals join a Ready: larger batches, more writes per second under load.
   */
  private schedule(): void {
    if (this.scheduled || this.busy || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.busy || this.closed || !this.rawNode.hasReady()) return;
      this.busy = this.handleReady(this.rawNode.ready()).then(
        () => {
          this.busy = undefined;
          this.schedule();
        },
        (err: unknown) => {
          this.busy = undefined;
          void this.fail(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.hardState) this.currentTerm = rd.hardState.term;
    if (rd.softState) this.noteSoftState(rd.softState.lead, rd.softState.raftState);
    // A leader may send its appends while it writes them itself. Not when this Ready changes
    // its term or vote: those must be on disk before anyone hears of them.
    const sendFirst = this.isLeader && !termOrVoteChanged(this.hardState, rd.hardState);
    const messages = this.commitNotices.filter(coalesceAppends(rd.messages));
    if (sendFirst) this.transport.send(messages);
    // A leader applies the committed entries already on its disk before this Ready's write,
    // so under load a write is answered one fsync sooner. Those not yet on disk wait (the
    // core counts the leader toward a quorum before its own write is done). A follower
    // applies after its write and its answer, which are what the leader waits for.
    const ready = rd.committedEntries;
    let early = 0;
    if (this.isLeader && !rd.snapshot) {
      while (early < ready.length && ready[early]!.index <= this.durableIndex) early++;
    }
    this.applyEntries(ready.slice(0, early));
    // The appends just sent leave when this turn of the event loop ends: writing our own copy
    // first would hold them back, and the followers' copies are what the commit waits for.
    if (sendFirst && messages.length > 0 && rd.entries.length > 0) await nextTurn();
    // A hard state that only moves the commit index waits for the next write: a commit index
    // on disk that lags is safe (the leader tells it again), and the write would cost time
    // on every commit.
    const commitOnly =
      rd.hardState !== undefined &&
      !termOrVoteChanged(this.hardState, rd.hardState) &&
      rd.entries.length === 0 &&
      !rd.snapshot;
    if (commitOnly) {
      this.commitUnwritten = true;
    } else if (rd.hardState || rd.entries.length > 0 || rd.snapshot || this.commitUnwritten) {
      const persisted = await this.persistOrPause({
        hardState: rd.hardState ?? (this.commitUnwritten ? this.hardState : undefined),
        entries: rd.entries,
        snapshot: rd.snapshot,
        mustSync: rd.mustSync,
      });
      if (!persisted) return;
      this.commitUnwritten = false;
    }
    if (rd.snapshot) this.durableIndex = rd.snapshot.metadata.index;
    if (rd.entries.length > 0) this.durableIndex = rd.entries[rd.entries.length - 1]!.index;
    if (rd.snapshot) await this.installSnapshot(rd.snapshot);
    if (rd.hardState) {
      this.storage.setHardState(rd.hardState);
      this.hardState = rd.hardState;
    }
    this.storage.append(rd.entries);
    if (!sendFirst) this.transport.send(messages);
    for (const rs of rd.readStates) this.reads.confirmed(rs.requestCtx, rs.index, this.applied);
    // Likewise a follower's answer: the leader is waiting for it, not for this apply.
    if (!this.isLeader && messages.length > 0 && early < ready.length) await nextTurn();
    this.applyEntries(ready.slice(early));
    this.rawNode.advance(rd);
    if (this.snapshotIsDue() && !this.snapshotting) this.startSnapshot();
  }

  /**
   * A snapshot is due when a member was added, or every snapshotEvery entries, or once the
   * entries applied since the last one hold snapshotBytes or the last one's size, whichever
   * is more: however few they are, so that a log of large writes is compacted and its bytes
   * leave memory. Taking one costs about its size, so waiting for as many bytes of log keeps
   * the snapshots' cost within the log's own, also for a large state.
   */
  private snapshotIsDue(): boolean {
    if (this.snapshotDue || this.applied - this.snapshotIndex >= this.opts.snapshotEvery) return true;
    return this.appliedBytes >= Math.max(this.opts.snapshotBytes, this.storage.snapshotBytes);
  }

  /**
   * Persists a Ready's state. On a full disk (the storage refuses the write and stays sound)
   * the node pauses: it takes no ticks, messages or proposals, so to the others it is as if
   * stopped and it acknowledges nothing it has not saved; it tries the same write again until
   * it fits, then goes on where it stood. False if the node was closed meanwhile.
   */
  private async persistOrPause(req: PersistRequest): Promise<boolean> {
    for (;;) {
      try {
        await this.disk.persist(req);
        break;
      } catch (err) {
        if (!isFlotillaError(err, 'RESOURCE_EXHAUSTED')) throw err;
        if (!this.pausedBy) this.pause(err);
        await sleep(DISK_RETRY_MS);
        if (this.closed) return false;
      }
    }
    if (this.pausedBy) this.resume();
    return true;
  }

  private pause(err: FlotillaError): void {
    this.pausedBy = err;
    this.log.error(
      { err, retryMs: DISK_RETRY_MS },
      'write refused by the disk: member paused (no part in the group) until it fits',
    );
    // Their entries are in the log already (a leader may have sent them): they may commit later.
    this.proposals.failAll(
      () =>
        new FlotillaError(
          'RESOURCE_EXHAUSTED',
          `${err.message}. This write may still be applied once there is room: check before retrying it`,
          { cause: err },
        ),
    );
    this.reads.failAll(() => err);
    // A leader that cannot save runs no loops and keeps no workers meanwhile: the other
    // managers elect a leader of their own.
    if (this.isLeader) this.noteSoftState(NONE, StateType.Follower);
  }

  private resume(): void {
    this.pausedBy = undefined;
    const { lead, raftState } = this.rawNode.status().softState;
    this.noteSoftState(lead, raftState);
    this.log.info({}, 'disk has room again: this member takes part in the group again');
  }

  private noteSoftState(lead: RaftId, state: StateType): void {
    const wasLeader = this.isLeader;
    this.role = state;
    if (wasLeader && state !== StateType.Leader) {
      this.leaderContact = Date.now();
      const leader = lead === NONE ? undefined : this.leaderHint(lead);
      this.proposals.failAll(
        () =>
          new FlotillaError(
            'NOT_LEADER',
            'raft: this node lost leadership before the write committed; it may still be applied by the new leader',
            { leader },
          ),
      );
    }
    if (lead !== this.leaderId) {
      this.leaderId = lead;
      if (lead !== NONE) raftMetrics.leaderChanges.inc();
      const term = this.currentTerm;
      this.log.info({ leader: lead, term }, lead === NONE ? 'leader lost' : 'leader known');
      this.emit('leader', lead, term);
    }
  }

  private applyEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type === EntryType.ConfChange) {
        const cc = readConfChange(e, this.log);
        if (cc) this.applyMembership(cc);
        this.proposals.applied(e.index, e.term, true);
      } else {
        if (e.data.length > 0) this.stateMachine.apply(e);
        this.proposals.applied(e.index, e.term, false);
      }
      this.applied = e.index;
      this.appliedBytes += e.data.byteLength;
    }
    if (entries.length > 0) this.reads.appliedTo(this.applied);
  }

  private applyMembership(cc: ConfChange): void {
    this.confState = this.rawNode.applyConfChange(cc);
    if (cc.type === ConfChangeType.RemoveNode) {
      this.members.delete(cc.nodeId);
      if (cc.nodeId === this.id) {
        this.log.warn({}, 'this member was removed from the group');
        this.emit('removed');
      } else {
        this.commitNotices.release(cc.nodeId);
        this.transport.removePeer(cc.nodeId);
      }
      return;
    }
    this.snapshotDue = true;
    const address = decodeAddress(cc.context);
    if (address) {
      this.members.set(cc.nodeId, address);
      if (cc.nodeId !== this.id) this.transport.setPeer(cc.nodeId, address);
    }
  }

  /**
   * Runs inside handleReady, which the next Ready waits for: no entry is applied while the
   * state machine restores, however many turns of the event loop that takes.
   */
  private async installSnapshot(snapshot: Snapshot): Promise<void> {
    this.storage.applySnapshot(snapshot);
    const { members, app } = decodeSnapshotData(snapshot.data);
    await this.stateMachine.restore(app);
    for (const id of this.members.keys()) if (!members.has(id)) this.transport.removePeer(id);
    this.members.clear();
    for (const [id, address] of members) {
      this.members.set(id, address);
      if (id !== this.id) this.transport.setPeer(id, address);
    }
    this.confState = snapshot.metadata.confState;
    this.applied = snapshot.metadata.index;
    this.snapshotIndex = snapshot.metadata.index;
    this.appliedBytes = 0;
    this.proposals.supersededTo(snapshot.metadata.index);
    this.reads.appliedTo(this.applied);
    this.log.info({ index: snapshot.metadata.index }, 'snapshot from the leader installed');
  }

  /**
   * Captures the state at the applied index now and writes it in the background: encoding
   * a large state takes a while, and the loop must go on (heartbeats, appends) meanwhile.
   */
  private startSnapshot(): void {
    const start = performance.now();
    const index = this.applied;
    const confState = this.confState;
    const members = new Map(this.members);
    const app = this.stateMachine.snapshot();
    this.snapshotDue = false;
    this.appliedBytes = 0;
    this.snapshotting = (async () => {
      const data = await encodeSnapshotData(members, await app);
      // A snapshot from the leader may have overtaken this one meanwhile.
      if (this.closed || index <= this.storage.snapshotMetadata().index) return;
      const snapshot = this.storage.createSnapshot(index, confState, data);
      await this.disk.compact(snapshot);
      this.snapshotIndex = Math.max(this.snapshotIndex, index);
      const compactTo = this.compactionPoint(index);
      if (compactTo >= this.storage.firstIndex()) this.storage.compact(compactTo);
      this.log.info(
        { index, bytes: data.length, ms: Math.round(performance.now() - start) },
        'snapshot taken',
      );
    })()
      .catch((err: unknown) => this.log.warn({ err }, 'snapshot failed: the log grows until the next one'))
      .finally(() => (this.snapshotting = undefined));
  }

  /**
   * The last entry to drop from memory behind a snapshot at `index`: the entries after it, kept
   * for followers that lag a little, are at most keepEntries and hold at most keepBytes. A
   * follower further behind is sent the snapshot.
   */
  private compactionPoint(index: number): number {
    const to = index - this.opts.keepEntries;
    const from = Math.max(to + 1, this.storage.firstIndex());
    if (from > index) return to;
    const kept = this.storage.entries(from, index + 1, Infinity);
    let bytes = 0;
    for (let i = kept.length - 1; i >= 0; i--) {
      bytes += kept[i]!.data.byteLength;
      if (bytes > this.opts.keepBytes) return kept[i]!.index;
    }
    return to;
  }

  private async changeMembership(cc: ConfChange): Promise<void> {
    // A new leader takes no membership change before it has applied its predecessors' log;
    // the barrier waits for that instead of letting the change be refused.
    if (this.isLeader) await this.readBarrier();
    await this.proposeEntry(() => this.rawNode.proposeConfChange(cc), true);
  }

  private proposeEntry(append: () => LogPosition | undefined, confChange = false): Promise<number> {
    if (this.closed) return Promise.reject(closedError());
    if (this.pausedBy) return Promise.reject(this.pausedBy);
    if (!this.isLeader) return Promise.reject(this.notLeader('this node is not the leader'));
    let position: LogPosition | undefined;
    try {
      position = append();
    } catch (err) {
      return Promise.reject(err);
    }
    if (!position) return Promise.reject(this.notLeader('this node is not the leader'));
    const done = this.proposals.wait(position, this.opts.proposalTimeoutMs, confChange);
    const timer = raftMetrics.proposalSeconds.startTimer();
    void done.then(
      () => timer(),
      () => undefined,
    );
    this.schedule();
    return done;
  }

  /** NOT_LEADER, saying where the leader is if this node knows. */
  private notLeader(why: string): FlotillaError {
    if (this.leaderId === NONE) {
      return new FlotillaError(
        'NOT_LEADER',
        `raft: ${why}; no leader is known yet (an election may be running); retry shortly`,
      );
    }
    const leader = this.leaderHint(this.leaderId);
    const at = leader.address === undefined ? '' : ` at ${leader.address}`;
    return new FlotillaError('NOT_LEADER', `raft: ${why}; the leader is member ${leader.id}${at}`, {
      leader,
    });
  }

  private leaderHint(id: RaftId): LeaderHint {
    const address = this.members.get(id);
    return address === undefined ? { id } : { id, address };
  }

  /**
   * Says when a tick came so late that the event loop must have been held for half an
   * election timeout or more: a leader's heartbeats waited as long, and past a whole one the
   * others elect another leader. At most one warning a minute.
   */
  private noteLateTick(lateMs: number): void {
    const minElectionMs = this.opts.tickMs * this.opts.electionTick;
    if (lateMs < minElectionMs / 2 || Date.now() - this.lateTickWarned < 60_000) return;
    this.lateTickWarned = Date.now();
    this.log.warn(
      { lateMs: Math.round(lateMs), electionAfterMs: minElectionMs, role: this.role },
      'raft: the event loop was held and ticks came late; a leader held this long past the election timeout loses its role',
    );
  }

  private electionTimeoutMs(): number {
    return this.opts.tickMs * this.opts.electionTick * 2;
  }

  private async fail(err: Error): Promise<void> {
    this.log.error({ err }, 'cannot persist: member stops (a restart recovers it from its log)');
    this.proposals.failAll(
      () => new FlotillaError('UNAVAILABLE', `raft: node stopped: ${err.message}`, { cause: err }),
    );
    this.emit('fatal', err);
    await this.close().catch(() => undefined);
  }
}

function termOrVoteChanged(current: HardState, next: HardState | undefined): boolean {
  return next !== undefined && (next.term !== current.term || next.vote !== current.vote);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const closedError = (): FlotillaError => new FlotillaError('CANCELLED', 'raft: node is closed');

function definedOnly(o: RaftNodeOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = o[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
