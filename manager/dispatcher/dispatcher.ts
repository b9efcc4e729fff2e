/**
 * The dispatcher: holds one session per worker. It streams each node its assignments
 * (the whole set when the session opens, changes after), takes heartbeats (the overlay's
 * peers go with an answer only when the node's differ, see overlay-sets.ts), marks a node
 * DOWN after three missed periods and READY again if it beats again on the same session, and
 * writes task status reports to the store in batches, never letting a task's state move
 * backwards.
 */
import type * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { FlotillaError } from '../../lib/errors.js';
import { failStream } from '../../proto/rpc.js';
import { trustDigest } from '../../lib/pki.js';
import { newId } from '../../lib/ids.js';
import type { Logger } from '../../lib/log.js';
import { dispatcherMetrics } from '../../lib/node-metrics.js';
import type { HeartbeatRequest } from '../../proto/gen/flotilla/HeartbeatRequest.js';
import type { HeartbeatResponse } from '../../proto/gen/flotilla/HeartbeatResponse.js';
import type { RaftMember } from '../../proto/gen/flotilla/RaftMember.js';
import type { SessionMessageInput } from '../../proto/gen/flotilla/SessionMessage.js';
import type { SessionRequest } from '../../proto/gen/flotilla/SessionRequest.js';
import type { UpdateTaskStatusRequest } from '../../proto/gen/flotilla/UpdateTaskStatusRequest.js';
import {
  SESSION_RETRY_MAX_MS,
  taskStateRank,
  type Node,
  type Task,
  type TaskStatus,
} from '../../proto/types.js';
import type { ReadTx, Store } from '../store/types.js';
import { sameValue } from '../store/frozen-copy.js';
import type { SecretValue } from '../../proto/gen/flotilla/SecretValue.js';
import { EndpointPublisher } from './endpoints.js';
import { OverlaySets } from './overlay-sets.js';

/** What the lists of managers (Raft members, session addresses) read of a node. */
const managerKey = (n: Node | undefined): string =>
  n && (n.role === 'MANAGER' || n.managerStatus)
    ? `${n.role} ${n.status?.addr ?? ''} ${n.managerStatus?.raftId ?? 0} ${n.managerStatus?.addr ?? ''}`
    : '';

/** The overlay part of an answer to a node with no overlay to feed. */
const NO_OVERLAY = { overlayPeers: [], overlayDigest: '', overlayChangesOnly: false, overlayRemoved: [] };

export const DEFAULT_HEARTBEAT_MS = 1_000;
// Three missed beats mark a node down: one late beat is forgiven, and a dead host's tasks
// still move within a few periods.
const MISSED_HEARTBEATS = 3;
// A session silent this many periods is ended: its agent gave up on it long before (it waits
// three periods for an answer, twice), so the node is gone or will open a new one.
const SESSION_SILENCE_PERIODS = 12;

/**
 * Task reports one write holds at most: thousands that queued while a write was under way
 * go in several, so that no turn of the leader's event loop encodes or applies them all.
 */
export const STATUS_BATCH = 512;

/**
 * Nodes that miss their heartbeats all at once, this share of the ready ones or more (and at
 * least MASS_SILENCE_NODES), are given MASS_SILENCE_PERIODS periods more before they are
 * marked down: so many at once is more likely this manager's own stall or its network than
 * the nodes, and marking them down sends every one of their tasks elsewhere. At 1,000 nodes
 * and 1,000,000 tasks, waves of nodes marked down and ready again a few seconds later
 * rescheduled tasks faster than they ran.
 */
const MASS_SILENCE_SHARE = 0.5;
const MASS_SILENCE_NODES = 10;
const MASS_SILENCE_PERIODS = 3;

/** The event loop's time, in each turn, for sending sessions their first message. */
const OPEN_SLICE_MS = 10;

interface QueuedStatus {
  nodeId: string;
  status: TaskStatus;
}

interface Session {
  id: string;
  nodeId: string;
  stream: grpc.ServerWritableStream<SessionRequest, SessionMessageInput>;
  /** What the node was last sent of each task: changes to anything else are not its concern. */
  sent: Map<string, string>;
  dirty: Set<string>;
  timer?: NodeJS.Timeout;
  /** Set once the first message (the COMPLETE set and the endpoints) is written. */
  opened?: boolean;
}

export class Dispatcher {
  private readonly sessions = new Map<string, Session>();
  /** The managers' Raft ids and addresses that heartbeats hand out; made again after a manager changes. */
  private raftMembers: RaftMember[] | undefined;
  /** The overlay peers' sets handed out. */
  private readonly overlay: OverlaySets;
  /** Nodes marked DOWN whose open session heartbeats again: being set READY. */
  private readonly reviving = new Set<string>();
  /** Of those, the ones whose write is still to be made, with the session each beat on. */
  private readonly reviveQueue = new Map<string, Session>();
  /** Sessions whose first message is still to be sent, in the order they opened. */
  private readonly opening = new Set<Session>();
  /** The roots' digest, kept with the roots it was taken of: heartbeats ask for it every second. */
  private trust = { roots: '', digest: '' };
  /** The managers' addresses that every session message carries; made again after a manager changes. */
  private managerAddrs: string[] | undefined;
  private readonly lastSeen = new Map<string, number>();
  /** Since when most nodes have been silent at once (see MASS_SILENCE_SHARE), if they are. */
  private massSilenceSince: number | undefined;
  private readonly statusQueue = new Map<string, QueuedStatus>();
  private statusFlush: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly endpoints: EndpointPublisher;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly heartbeatMs: () => number,
    private readonly now: () => number = Date.now,
    /** The secret and config values the tasks use, for the node they go to. */
    private readonly values: (tx: ReadTx, tasks: readonly Task[]) => SecretValue[] = () => [],
  ) {
    this.overlay = new OverlaySets(now);
    this.endpoints = new EndpointPublisher(
      (fn) => store.view(fn),
      (endpoints) => {
        for (const s of this.sessions.values()) if (s.opened) this.write(s, { assignments: null, endpoints });
      },
    );
  }

  /** Runs until the signal aborts: routes task changes to sessions and expires silent nodes. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    const start = this.now();
    // Nodes that were up when this dispatcher took over get one full grace period, counted
    // from when their agents' next attempt to open a session is due at the latest.
    this.store.view((tx) => {
      for (const n of tx.all('nodes')) {
        if (n.status?.state === 'READY') this.lastSeen.set(n.id, start + SESSION_RETRY_MAX_MS);
      }
    });
    const unlend = dispatcherMetrics.sources.lend({
      sessions: () => this.sessions.size,
      nodeStates: () => this.store.view((tx) => tx.all('nodes').map((n) => n.status?.state ?? 'UNKNOWN')),
    });
    let tick = performance.now();
    const expiry = setInterval(() => {
      const late = performance.now() - tick - this.heartbeatMs() / 2;
      tick = performance.now();
      // A tick late by more than half a period followed a turn that held this loop: timers
      // run before I/O, so the beats that came meanwhile are still unread. Nodes are judged
      // at the next tick, once they are read, not marked down for the manager's own stall.
      if (late > this.heartbeatMs() / 2) return;
      void this.expireNodes().catch((err) => this.log.warn({ err }, 'cannot mark nodes down'));
    }, this.heartbeatMs() / 2);
    try {
      for await (const e of this.store.watch({ tables: ['tasks', 'nodes', 'services'] }, this.abort.signal)) {
        this.endpoints.note(e);
        if (e.table === 'nodes') {
          const [before, after] = e.kind === 'delete' ? [e.object, undefined] : [e.old, e.object];
          // Most node changes are workers' states: the lists of managers stay, since making
          // them again reads every node, and with thousands joining, beat after beat would.
          if (managerKey(before) !== managerKey(after)) {
            this.raftMembers = undefined;
            this.managerAddrs = undefined;
          }
          this.overlay.noteNode(before, after);
          const s = e.kind === 'delete' ? this.sessions.get(e.object.id) : undefined;
          if (s) failStream(s.stream, removed(e.object.id));
          continue;
        }
        if (e.table !== 'tasks') continue;
        const nodeIds = new Set([e.object.nodeId, e.old?.nodeId ?? '']);
        for (const nodeId of nodeIds) {
          const s = nodeId ? this.sessions.get(nodeId) : undefined;
          if (s) this.markDirty(s, e.object.id);
        }
      }
    } finally {
      unlend();
      clearInterval(expiry);
      this.endpoints.close();
      for (const s of this.sessions.values()) {
        clearTimeout(s.timer);
        failStream(s.stream, new FlotillaError('UNAVAILABLE', 'this manager stopped dispatching; reconnect'));
      }
      this.sessions.clear();
      await this.statusFlush;
    }
  }

  session(stream: grpc.ServerWritableStream<SessionRequest, SessionMessageInput>): void {
    const req = stream.request;
    const fail = (err: FlotillaError) => failStream(stream, err);
    if (this.abort.signal.aborted) {
      fail(new FlotillaError('UNAVAILABLE', 'this manager is not dispatching'));
      return;
    }
    const node = this.store.view((tx) => tx.get('nodes', req.nodeId));
    if (!node) {
      fail(removed(req.nodeId));
      return;
    }
    const old = this.sessions.get(req.nodeId);
    if (old) old.stream.end();
    const session: Session = {
      id: newId(),
      nodeId: req.nodeId,
      stream,
      sent: new Map(),
      dirty: new Set(),
    };
    this.sessions.set(req.nodeId, session);
    this.lastSeen.set(req.nodeId, this.now());
    const close = () => {
      if (this.sessions.get(req.nodeId) === session) {
        this.sessions.delete(req.nodeId);
        clearTimeout(session.timer);
        this.log.info({ node: req.nodeId }, 'session closed');
      }
    };
    stream.on('cancelled', close);
    stream.on('close', close);
    stream.on('error', close);

    void this.store
      .update((tx) => {
        const n = tx.get('nodes', req.nodeId);
        if (!n) return;
        const description = req.description ?? n.description;
        const addr = req.addr || n.status?.addr || '';
        // A node that comes back to a new leader as it was needs no write: after a failover,
        // every node does at once.
        const same =
          n.status?.state === 'READY' &&
          !n.status.message &&
          n.status.addr === addr &&
          sameValue(n.description, description);
        if (!same) tx.update('nodes', { ...n, description, status: { state: 'READY', message: '', addr } });
      })
      .then(() => this.openSoon(session))
      .catch((err: unknown) =>
        fail(err instanceof FlotillaError ? err : new FlotillaError('INTERNAL', String(err))),
      );
  }

  /**
   * Sends the session its first message (every task of its node) soon: the sessions due are
   * sent a slice of the event loop's time a turn, since a node's tasks take a while to encode
   * and after a failover every node opens a session with the new leader at once.
   */
  private openSoon(session: Session): void {
    this.opening.add(session);
    if (this.opening.size === 1) setImmediate(() => this.openQueued());
  }

  private openQueued(): void {
    const until = performance.now() + OPEN_SLICE_MS;
    for (const session of this.opening) {
      if (performance.now() >= until) break;
      this.opening.delete(session);
      if (this.sessions.get(session.nodeId) === session && !this.abort.signal.aborted) this.open(session);
    }
    if (this.opening.size > 0) setImmediate(() => this.openQueued());
  }

  private open(session: Session): void {
    const { tasks, values } = this.store.view((tx) => {
      const tasks = tx.tasksByNode(session.nodeId).filter(assigned);
      return { tasks, values: this.values(tx, tasks) };
    });
    for (const t of tasks) session.sent.set(t.id, sentKey(t));
    this.write(session, {
      assignments: { kind: 'COMPLETE', tasks, removed: [], values },
      endpoints: this.endpoints.full(),
    });
    session.opened = true;
    this.log.info({ node: session.nodeId, tasks: tasks.length }, 'session opened');
  }

  /**
   * A session's heartbeats on one stream, each answered in turn (see heartbeat). A beat that
   * `refuse` turns down (another node's) or that fails ends the stream with its error.
   */
  beats(
    stream: grpc.ServerDuplexStream<HeartbeatRequest, HeartbeatResponse>,
    refuse: (req: HeartbeatRequest) => FlotillaError | undefined,
  ): void {
    stream.on('data', (req: HeartbeatRequest) => {
      try {
        const refusal = refuse(req);
        if (refusal) throw refusal;
        stream.write(this.heartbeat(req));
      } catch (err) {
        stream.removeAllListeners('data');
        failStream(stream, err);
      }
    });
    stream.on('end', () => stream.end());
  }

  /**
   * One beat: the node is seen (and READY again if it was marked down); the answer says the
   * node's role, the managers, the roots to trust and the overlay's peers.
   */
  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    const s = this.sessions.get(req.nodeId);
    if (!s || s.id !== req.sessionId) {
      throw new FlotillaError('NOT_FOUND', 'no such session on this manager; open a new one');
    }
    this.lastSeen.set(req.nodeId, this.now());
    dispatcherMetrics.heartbeats.inc();
    return this.store.view((tx) => {
      const node = tx.get('nodes', req.nodeId);
      this.raftMembers ??= tx
        .all('nodes')
        .flatMap((n) =>
          n.managerStatus ? [{ id: n.managerStatus.raftId, address: n.managerStatus.addr }] : [],
        );
      const roots = tx.all('clusters')[0]?.rootCa?.cert;
      if (node?.status?.state === 'DOWN') this.revive(req.nodeId, s);
      return {
        periodMs: this.heartbeatMs(),
        role: node?.role ?? 'WORKER',
        raftId: node?.managerStatus?.raftId ?? 0,
        raftMembers: this.raftMembers,
        trustDigest: this.trustDigestOf(roots ?? ''),
        ...(req.noOverlay ? NO_OVERLAY : this.overlay.answer(req.overlayDigest, () => tx.all('nodes'))),
      };
    });
  }

  /**
   * A node marked DOWN (its beats came late) beats again on the session it still has: it is
   * READY again without a new session, since that session's stream never stopped carrying
   * its assignments' changes (those made while it was DOWN included).
   */
  private revive(nodeId: string, s: Session): void {
    if (this.reviving.has(nodeId)) return;
    this.reviving.add(nodeId);
    this.reviveQueue.set(nodeId, s);
    // The nodes that beat again in one turn are written in one update: after a stall of the
    // manager's, hundreds do at once.
    if (this.reviveQueue.size === 1) setImmediate(() => this.reviveQueued());
  }

  private reviveQueued(): void {
    const batch = new Map(this.reviveQueue);
    this.reviveQueue.clear();
    void this.store
      .update((tx) => {
        const revived: string[] = [];
        for (const [nodeId, s] of batch) {
          const n = tx.get('nodes', nodeId);
          if (!n || n.status?.state !== 'DOWN' || this.sessions.get(nodeId) !== s) continue;
          tx.update('nodes', { ...n, status: { state: 'READY', message: '', addr: n.status.addr } });
          revived.push(nodeId);
        }
        return revived;
      })
      .then(
        (revived) => {
          for (const node of revived)
            this.log.info({ node }, 'node beats again on its session; marked ready');
        },
        (err: unknown) => this.log.warn({ nodes: [...batch.keys()], err }, 'cannot mark nodes ready again'),
      )
      .finally(() => {
        for (const nodeId of batch.keys()) this.reviving.delete(nodeId);
      });
  }

  private trustDigestOf(roots: string): string {
    if (roots !== this.trust.roots) this.trust = { roots, digest: roots ? trustDigest(roots) : '' };
    return this.trust.digest;
  }

  async updateTaskStatus(req: UpdateTaskStatusRequest): Promise<void> {
    const s = this.sessions.get(req.nodeId);
    if (!s || s.id !== req.sessionId) {
      throw new FlotillaError('NOT_FOUND', 'no such session on this manager; open a new one');
    }
    const queued: [string, QueuedStatus][] = [];
    for (const u of req.updates) {
      if (!u.status) continue;
      const entry = { nodeId: req.nodeId, status: u.status };
      this.statusQueue.set(u.taskId, entry);
      queued.push([u.taskId, entry]);
    }
    // Until these reports are written (or a later report of the same task took their place).
    do await this.flushStatus();
    while (queued.some(([id, entry]) => this.statusQueue.get(id) === entry));
  }

  /**
   * Writes queued reports, up to STATUS_BATCH in one update; reports that arrive meanwhile
   * share the next one.
   */
  private async flushStatus(): Promise<void> {
    while (this.statusFlush) await this.statusFlush;
    if (this.statusQueue.size === 0) return;
    const batch = new Map<string, QueuedStatus>();
    for (const [id, entry] of this.statusQueue) {
      if (batch.size === STATUS_BATCH) break;
      batch.set(id, entry);
      this.statusQueue.delete(id);
    }
    this.statusFlush = this.store
      .update((tx) => {
        for (const [taskId, { nodeId, status }] of batch) {
          const task = tx.get('tasks', taskId);
          if (!task || task.nodeId !== nodeId) continue;
          const current = task.status?.state ?? 'NEW';
          if (taskStateRank(status.state) < taskStateRank(current)) continue;
          if (
            status.state === current &&
            status.message === task.status?.message &&
            status.err === task.status?.err
          )
            continue;
          // When it first runs: the updater watches a new task for failures from then on.
          const runningSince = task.runningSince || (status.state === 'RUNNING' ? status.timestamp : 0);
          tx.update('tasks', { ...task, status, runningSince });
        }
      })
      .finally(() => (this.statusFlush = undefined));
    await this.statusFlush;
  }

  private markDirty(s: Session, taskId: string): void {
    s.dirty.add(taskId);
    s.timer ??= setTimeout(() => {
      s.timer = undefined;
      this.sendChanges(s);
    }, 10);
  }

  private sendChanges(s: Session): void {
    if (this.sessions.get(s.nodeId) !== s) return;
    // Endpoints go out first: a task on its way out leaves every mesh before it is stopped.
    this.endpoints.flush();
    const tasks: Task[] = [];
    const removed: string[] = [];
    const values = this.store.view((tx) => {
      for (const id of s.dirty) {
        const t = tx.get('tasks', id);
        if (t && t.nodeId === s.nodeId && assigned(t)) {
          const key = sentKey(t);
          if (s.sent.get(id) === key) continue;
          s.sent.set(id, key);
          tasks.push(t);
        } else if (s.sent.delete(id)) {
          removed.push(id);
        }
      }
      return this.values(tx, tasks);
    });
    s.dirty.clear();
    if (tasks.length + removed.length === 0) return;
    this.write(s, { assignments: { kind: 'INCREMENTAL', tasks, removed, values } });
  }

  private write(s: Session, msg: Pick<SessionMessageInput, 'assignments' | 'endpoints'>): void {
    s.stream.write({
      sessionId: s.id,
      heartbeatPeriodMs: this.heartbeatMs(),
      managers: this.managers(),
      ...msg,
    });
  }

  private managers(): string[] {
    this.managerAddrs ??= this.store.view((tx) =>
      tx
        .all('nodes')
        .filter((n) => n.role === 'MANAGER' && n.status?.addr)
        .map((n) => n.status?.addr ?? ''),
    );
    return this.managerAddrs;
  }

  /** Whether nodes silent all at once are still within their extra grace (see MASS_SILENCE_SHARE). */
  private waitOutMassSilence(silent: number, ready: number): boolean {
    if (silent < MASS_SILENCE_NODES || silent < MASS_SILENCE_SHARE * ready) {
      this.massSilenceSince = undefined;
      return false;
    }
    const graceMs = MASS_SILENCE_PERIODS * this.heartbeatMs();
    if (this.massSilenceSince === undefined) {
      this.massSilenceSince = this.now();
      this.log.warn(
        { silent, ready, graceMs },
        'most nodes missed their heartbeats at once: more likely this manager or its network than the nodes; they are marked down if they stay silent',
      );
    }
    return this.now() - this.massSilenceSince < graceMs;
  }

  private async expireNodes(): Promise<void> {
    const silent = this.now() - SESSION_SILENCE_PERIODS * this.heartbeatMs();
    for (const s of this.sessions.values()) {
      if ((this.lastSeen.get(s.nodeId) ?? 0) < silent)
        failStream(
          s.stream,
          new FlotillaError('UNAVAILABLE', 'no heartbeats on this session; open a new one'),
        );
    }
    const deadline = this.now() - MISSED_HEARTBEATS * this.heartbeatMs();
    const ready = this.store.view((tx) => tx.all('nodes').filter((n) => n.status?.state === 'READY'));
    const expired = ready.filter((n) => (this.lastSeen.get(n.id) ?? 0) < deadline);
    if (this.waitOutMassSilence(expired.length, ready.length) || expired.length === 0) return;
    await this.store.update((tx) => {
      for (const stale of expired) {
        const n = tx.get('nodes', stale.id);
        if (!n || n.status?.state !== 'READY') continue;
        tx.update('nodes', {
          ...n,
          status: { state: 'DOWN', message: 'heartbeat failure', addr: n.status?.addr ?? '' },
        });
      }
    });
    // Their sessions stay open for now: a node that was only slow beats again on it and is
    // READY again (see revive).
    for (const n of expired) {
      this.log.warn(
        { node: n.id, hostname: n.description?.hostname },
        'node missed its heartbeats; marked down',
      );
    }
  }
}

/** A task the node has to know of: placed on it and not yet forgotten. */
function assigned(t: Task): boolean {
  return taskStateRank(t.status?.state ?? 'NEW') >= taskStateRank('ASSIGNED');
}

/** The parts of a task that the worker acts on; status changes it made itself are not resent. */
function sentKey(t: Task): string {
  return `${t.desiredState}/${t.specVersion}`;
}

function removed(nodeId: string): FlotillaError {
  return new FlotillaError(
    'NODE_REMOVED',
    `node ${nodeId} is not part of this cluster; it was removed: join it again with \`cluster join\``,
  );
}
