/**
 * The agent on every node: keeps a session with the dispatcher (reconnecting with backoff,
 * trying each known manager, or first the leader a refusing manager names), heartbeats, runs the tasks assigned to this node through
 * the runtime drivers, and reports their status. After a restart it adopts the containers
 * its previous run left, by their labels, instead of starting duplicates. It holds the values
 * of its tasks' secrets and configs for as long as it holds the tasks, and their files (see
 * secret-files.ts) until their containers are removed.
 */
import * as grpc from '@grpc/grpc-js';
import { describeError, FlotillaError, isFlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { agentMetrics } from '../lib/node-metrics.js';
import type { DispatcherClient } from '../proto/gen/flotilla/Dispatcher.js';
import type { HeartbeatRequestInput } from '../proto/gen/flotilla/HeartbeatRequest.js';
import type { HeartbeatResponse } from '../proto/gen/flotilla/HeartbeatResponse.js';
import { wire } from '../proto/load.js';
import { call, connect, fromServiceError } from '../proto/rpc.js';
import type { TlsCredentials } from '../proto/tls.js';
import type { OverlayPeer } from '../proto/gen/flotilla/OverlayPeer.js';
import { overlayDigest, overlayPeersById, withOverlayChanges } from '../proto/overlay-set.js';
import {
  taskStateRank,
  isTerminal,
  type Assignments,
  type NodeDescription,
  type NodeRole,
  type Task,
  type TaskStatus,
  SESSION_RETRY_MAX_MS,
} from '../proto/types.js';
import type { ContainerSummary, RuntimeDriver } from '../runtime/driver.js';
import { StatusReporter } from './status-reporter.js';
import type { EndpointChanges } from '../proto/gen/flotilla/EndpointChanges.js';
import { hostOf } from './addr.js';
import { LABEL_NODE, LABEL_TASK, TaskRunner, type NodeInfo } from './task-runner.js';
import type { OverlayNetworks } from './networks.js';
import { SecretFiles } from './secret-files.js';
import { SecretValues } from './secret-values.js';
import type { VolumeStore } from './volumes.js';

export interface AgentOptions {
  nodeId: string;
  /** The node's named volumes. */
  volumes: VolumeStore;
  /** The node's TLS identity, for its sessions with the managers. */
  tls: TlsCredentials;
  /** The node's own address, as managers should see it. */
  addr: string;
  managers: string[];
  description: NodeDescription;
  drivers: RuntimeDriver[];
  log: Logger;
  /** Called when the managers tell of a new list of manager addresses. */
  onManagers?: (managers: string[]) => void;
  /** The digest of the roots the managers say to trust, at every heartbeat. */
  onTrust?: (digest: string) => void;
  /** The other nodes' container subnets and addresses, at every heartbeat (for the overlay). */
  onOverlayPeers?: (peers: OverlayPeer[]) => void;
  /** The role the node runs in now. */
  role: NodeRole;
  /** A manager's id in the Raft group. */
  raftId?: number;
  /**
   * Called once when the managers say the node is to have another role (promoted or demoted),
   * or, for a manager, another Raft id (removed from the group and added again while away).
   */
  onRoleChange?: (change: HeartbeatResponse) => void;
  /** Called with each change to the cluster's service endpoints the managers send (for the mesh). */
  onEndpoints?: (changes: EndpointChanges) => void;
  /** Environment every task of the node gets. */
  taskEnv?: Record<string, string>;
  /** The node's overlay networks, where its containers can join them. */
  networks?: OverlayNetworks;
  /** How the tasks held are kept (sim/ shares their specs among its nodes); as decoded by default. */
  tasks?: TaskKeeper;
}

/**
 * A heartbeat's answer may take this many periods (a starved manager is slow, not gone),
 * and a session is given up only after this many beats in a row fail.
 */
const HEARTBEAT_DEADLINE_PERIODS = 3;
const HEARTBEAT_TRIES = 2;

/**
 * How an agent keeps the tasks it holds: `keep` gives what to hold for a task as decoded from
 * an assignment, `release` is told when a task so kept is held no more. The runner reads the
 * task's status as it came before `keep` sees it, so a kept task need not carry it.
 */
export interface TaskKeeper {
  keep(task: Task): Task;
  release(task: Task): void;
}

/** A real node's agent holds its tasks as they came. */
const AS_DECODED: TaskKeeper = { keep: (task) => task, release: () => undefined };

export class Agent {
  /**
   * The overlay peers as the managers last sent them, by node id, under the digest they gave,
   * and the ones handed on (all but this node). An agent with no overlay to feed (a simulated
   * node) keeps only the digest: the peers are every node of the cluster, and thousands of
   * agents in one process would each hold them.
   */
  private overlay: { digest: string; peers: Map<string, OverlayPeer>; others: OverlayPeer[] } = {
    digest: '',
    peers: new Map(),
    others: [],
  };
  private readonly runners = new Map<string, TaskRunner>();
  private readonly reporter = new StatusReporter();
  private managers: string[];
  private roleChanging = false;
  private orphans = new Map<string, { driver: RuntimeDriver; container: ContainerSummary }>();
  /** Tasks whose containers are being removed: their files stay until they are. */
  private readonly leaving = new Set<string>();
  private readonly values = new SecretValues();
  private readonly node: NodeInfo;
  private readonly tasks: TaskKeeper;
  /** Where every runner reports (one function for all, not one a task). */
  private readonly report = (taskId: string, status: TaskStatus) => this.reporter.report(taskId, status);

  constructor(private readonly opts: AgentOptions) {
    this.managers = [...opts.managers];
    this.tasks = opts.tasks ?? AS_DECODED;
    this.node = {
      id: opts.nodeId,
      hostname: opts.description.hostname,
      host: hostOf(opts.addr),
      env: opts.taskEnv,
      networks: opts.networks,
      files: new SecretFiles(opts.nodeId),
      volumes: opts.volumes,
    };
  }

  /** The overlay networks (ids) of the task whose container has this address on its node bridge. */
  networksOf(ip: string): string[] {
    for (const runner of this.runners.values()) {
      const networks = runner.networksAt(ip);
      if (networks) return networks;
    }
    return [];
  }

  async run(signal: AbortSignal): Promise<void> {
    const unlend = agentMetrics.sources.lend(() => [...this.runners.values()].map((r) => r.reportedState));
    signal.addEventListener('abort', unlend, { once: true });
    await this.findContainers();
    await this.pruneFiles();
    let attempt = 0;
    let next = 0;
    /** The leader a refusing manager named: the next session goes there, not down the list. */
    let named: string | undefined;
    while (!signal.aborted) {
      const addr = named ?? this.managers[next++ % this.managers.length] ?? '';
      named = undefined;
      const opened = await this.session(addr, signal).catch((err: unknown) => {
        if (isFlotillaError(err, 'NODE_REMOVED')) return err;
        if (isFlotillaError(err, 'NOT_LEADER')) named = err.leader?.address;
        this.opts.log.warn({ manager: addr, err: describeError(err) }, 'session with the dispatcher ended');
        return false;
      });
      if (opened instanceof Error) {
        this.leaveCluster(opened);
        break;
      }
      attempt = opened ? 0 : attempt + 1;
      if (signal.aborted) break;
      const backoff = Math.min(SESSION_RETRY_MAX_MS, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, backoff));
    }
    this.reporter.close();
  }

  /** A heartbeat's answer: the managers' addresses as they are now, the roots to trust, the overlay's peers, and this node's role. */
  private noteHeartbeat(res: HeartbeatResponse): void {
    this.noteManagers(res.raftMembers.map((m) => m.address));
    if (res.trustDigest) this.opts.onTrust?.(res.trustDigest);
    this.noteOverlay(res);
    // Handed on at every beat, so that a failed apply is retried.
    this.opts.onOverlayPeers?.(this.overlay.others);
    // A manager demoted and promoted again while it was down or cut off is a new member of the
    // Raft group, under a new id: its old one is refused by the others for good.
    const newMember = res.role === 'MANAGER' && res.raftId !== 0 && res.raftId !== this.opts.raftId;
    if ((res.role === this.opts.role && !newMember) || this.roleChanging) return;
    this.roleChanging = true;
    this.opts.log.info({ role: res.role }, "the managers changed this node's role");
    this.opts.onRoleChange?.(res);
  }

  /**
   * The peers come only when they differ from the digest this node sent (a manager without
   * digests always sends them): the whole set, or the changes to the set this node holds.
   */
  private noteOverlay(res: HeartbeatResponse): void {
    const digest = res.overlayDigest;
    if (digest && digest === this.overlay.digest) return;
    if (!this.opts.onOverlayPeers) {
      this.overlay = { digest, peers: new Map(), others: [] };
      return;
    }
    let peers: Map<string, OverlayPeer>;
    if (res.overlayChangesOnly) {
      peers = withOverlayChanges(this.overlay.peers, {
        peers: res.overlayPeers,
        removed: res.overlayRemoved,
      });
      if (overlayDigest(peers.values()) !== digest) {
        // Changes to a set other than the one held: the empty digest asks for the whole set,
        // while the overlay keeps the routes it has.
        this.opts.log.warn(
          { digest },
          'the overlay peers changed into another set than the managers have; asking for all',
        );
        this.overlay = { ...this.overlay, digest: '' };
        return;
      }
    } else peers = overlayPeersById(res.overlayPeers);
    this.overlay = {
      digest,
      peers,
      others: [...peers.values()].filter((p) => p.nodeId !== this.opts.nodeId),
    };
  }

  private noteManagers(managers: string[]): void {
    if (managers.length === 0 || managers.join() === this.managers.join()) return;
    this.managers = managers;
    this.opts.onManagers?.(managers);
  }

  /** One session; resolves true if it was opened (the backoff then starts over). */
  private session(addr: string, signal: AbortSignal): Promise<boolean> {
    const client: DispatcherClient = connect(wire.flotilla.Dispatcher, addr, this.opts.tls);
    const stream = client.Session({
      nodeId: this.opts.nodeId,
      description: this.opts.description,
      addr: this.opts.addr,
    });
    let opened = false;
    let ended = false;
    let stopBeats: (() => void) | undefined;
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });

    return new Promise<boolean>((resolve, reject) => {
      stream.on(
        'data',
        (msg: {
          sessionId: string;
          heartbeatPeriodMs: number;
          managers: string[];
          assignments: Assignments | null;
          endpoints?: EndpointChanges | null;
        }) => {
          if (!opened) {
            opened = true;
            this.opts.log.info({ manager: addr }, 'session opened');
            if (!ended) stopBeats = this.heartbeats(client, addr, msg, () => stream.cancel());
            this.reporter.connect((updates) =>
              call(client, client.UpdateTaskStatus, {
                nodeId: this.opts.nodeId,
                sessionId: msg.sessionId,
                updates,
              }).then(() => undefined),
            );
          }
          this.noteManagers(msg.managers);
          if (msg.endpoints) this.opts.onEndpoints?.(msg.endpoints);
          if (msg.assignments) this.assign(msg.assignments);
        },
      );
      stream.on('error', (err: grpc.ServiceError) => {
        const fe = fromServiceError(err, addr);
        if (err.code === grpc.status.CANCELLED) resolve(opened);
        else if (fe.code === 'NODE_REMOVED') reject(fe);
        else if (opened) {
          this.opts.log.warn({ err: fe.message }, 'session lost');
          resolve(true);
        } else reject(fe);
      });
      stream.on('end', () => resolve(opened));
    }).finally(() => {
      ended = true;
      stopBeats?.();
      signal.removeEventListener('abort', onAbort);
      this.reporter.connect(undefined);
      client.close();
    });
  }

  /**
   * The session's heartbeats, on a stream of their own: a beat a period after the last
   * answer. A beat not answered within HEARTBEAT_DEADLINE_PERIODS periods is a failure and is
   * sent again at once; a stream that breaks is a failure, and the next beat opens another.
   * HEARTBEAT_TRIES failures in a row, or a manager that no longer knows the session
   * (NOT_FOUND, NODE_REMOVED), end the session. Returns what stops the beats.
   */
  private heartbeats(
    client: DispatcherClient,
    addr: string,
    session: { sessionId: string; heartbeatPeriodMs: number },
    endSession: () => void,
  ): () => void {
    let period = session.heartbeatPeriodMs;
    let failures = 0;
    let stopped = false;
    /** The next beat, or the deadline of the one sent. */
    let timer: NodeJS.Timeout | undefined;
    let beats: grpc.ClientDuplexStream<HeartbeatRequestInput, HeartbeatResponse> | undefined;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      beats?.cancel();
    };
    const fail = (err: FlotillaError) => {
      if (stopped) return;
      clearTimeout(timer);
      if (err.code === 'NOT_FOUND' || err.code === 'NODE_REMOVED' || ++failures >= HEARTBEAT_TRIES) {
        this.opts.log.warn({ err: describeError(err) }, 'heartbeat failed; ending the session');
        stop();
        endSession();
        return;
      }
      this.opts.log.warn({ err: describeError(err), failures }, 'heartbeat failed; retrying');
      timer = setTimeout(beat, err.code === 'TIMEOUT' ? 0 : period);
    };
    const open = () => {
      const opened = client.Beats();
      opened.on('data', (res: HeartbeatResponse) => {
        if (stopped) return;
        failures = 0;
        period = res.periodMs || period;
        clearTimeout(timer);
        timer = setTimeout(beat, period);
        this.noteHeartbeat(res);
      });
      // Once a stream: a status that is not OK comes as 'error', then 'end'.
      const broken = (err: FlotillaError) => {
        if (beats !== opened) return;
        beats = undefined;
        fail(err);
      };
      opened.on('error', (err: grpc.ServiceError) => broken(fromServiceError(err, addr)));
      opened.on('end', () => broken(new FlotillaError('UNAVAILABLE', `${addr} ended the heartbeats`)));
      return opened;
    };
    const beat = () => {
      if (stopped) return;
      beats ??= open();
      beats.write({
        nodeId: this.opts.nodeId,
        sessionId: session.sessionId,
        overlayDigest: this.overlay.digest,
        noOverlay: !this.opts.onOverlayPeers,
      });
      const deadline = HEARTBEAT_DEADLINE_PERIODS * period;
      timer = setTimeout(
        () => fail(new FlotillaError('TIMEOUT', `${addr} did not answer a heartbeat in ${deadline} ms`)),
        deadline,
      );
    };
    timer = setTimeout(beat, period);
    return stop;
  }

  /** Containers left by a previous run of this agent, by task id: adopted or removed once assignments arrive. */
  private async findContainers(): Promise<void> {
    for (const driver of this.opts.drivers) {
      for (const container of await driver.list({ [LABEL_NODE]: this.opts.nodeId })) {
        const taskId = container.labels[LABEL_TASK];
        if (taskId) this.orphans.set(taskId, { driver, container });
      }
    }
    if (this.orphans.size > 0)
      this.opts.log.info({ containers: this.orphans.size }, 'found containers from a previous run');
  }

  private assign(a: Assignments): void {
    this.values.receive(a);
    if (a.kind === 'COMPLETE') {
      const keep = new Set(a.tasks.map((t) => t.id));
      for (const id of this.runners.keys()) if (!keep.has(id)) void this.forget(id);
      for (const id of this.orphans.keys()) if (!keep.has(id)) void this.removeOrphan(id);
    }
    for (const id of a.removed) void this.forget(id);
    let changed = false;
    for (const task of a.tasks) changed = this.apply(task) || changed;
    // A value goes unused only when values come, or tasks go or change: a message that only
    // adds tasks (as a service scales up) skips the walk over every task held, which would
    // make a node's assignments cost it the square of its tasks.
    if (a.kind === 'COMPLETE' || a.values.length > 0 || a.removed.length > 0 || changed)
      this.values.retain(this.heldTasks());
    // The whole list says which networks the node is on: devices a previous run left for others go.
    if (a.kind === 'COMPLETE') void this.pruneNetworks();
    // And which tasks it has: the files of others (a previous run's, say) go.
    if (a.kind === 'COMPLETE') void this.pruneFiles();
  }

  private heldTasks(): Task[] {
    return [...this.runners.values()].map((r) => r.current);
  }

  /** Runs a task new to this node, or hands a held one its new version: returns true then. */
  private apply(task: Task): boolean {
    const existing = this.runners.get(task.id);
    if (existing) {
      const old = existing.current;
      existing.update(this.tasks.keep(task));
      this.tasks.release(old);
      return true;
    }
    const orphan = this.orphans.get(task.id);
    this.orphans.delete(task.id);
    const wantsRun = taskStateRank(task.desiredState) <= taskStateRank('RUNNING');
    const observed = task.status?.state ?? 'ASSIGNED';
    if (
      !orphan &&
      (isTerminal(observed) || (!wantsRun && taskStateRank(observed) < taskStateRank('ACCEPTED')))
    ) {
      // Nothing runs for it here: tell a task that never started that it is shut down.
      if (!isTerminal(observed))
        this.reporter.report(task.id, {
          timestamp: Date.now(),
          state: 'SHUTDOWN',
          message: 'shutdown before start',
          err: '',
          container: null,
          health: 'HEALTH_NONE',
          healthOutput: '',
        });
      return false;
    }
    const image = task.spec?.container?.image ?? '';
    const driver = orphan?.driver ?? this.opts.drivers.find((d) => d.canRun(image));
    if (!driver) {
      this.reporter.report(task.id, {
        timestamp: Date.now(),
        state: 'REJECTED',
        message: 'rejected',
        err: `no runtime on this node can run image ${JSON.stringify(image)}`,
        container: null,
        health: 'HEALTH_NONE',
        healthOutput: '',
      });
      return false;
    }
    const runner = new TaskRunner(
      this.tasks.keep(task),
      this.node,
      driver,
      this.report,
      this.opts.log,
      this.values.forTask(task),
      observed,
    );
    this.runners.set(task.id, runner);
    if (orphan) runner.adopt(orphan.container);
    else if (wantsRun) runner.start();
    if (!wantsRun) void runner.shutdown();
    return false;
  }

  /** The managers removed this node: nothing it runs is wanted any more, and it stops asking. */
  private leaveCluster(err: Error): void {
    this.opts.log.error(
      { tasks: this.runners.size + this.orphans.size },
      `${err.message}; stopping every task of this node`,
    );
    void this.stopAll();
  }

  /** Stops and removes every task of this node; resolves with how many once all are gone. */
  async stopAll(): Promise<number> {
    const ids = [...this.runners.keys(), ...this.orphans.keys()];
    await Promise.all([
      ...[...this.runners.keys()].map((id) => this.forget(id)),
      ...[...this.orphans.keys()].map((id) => this.removeOrphan(id)),
    ]);
    this.values.retain(this.heldTasks());
    return ids.length;
  }

  private async forget(id: string): Promise<void> {
    const runner = this.runners.get(id);
    if (!runner) return;
    this.runners.delete(id);
    this.tasks.release(runner.current);
    this.leaving.add(id);
    await runner
      .remove()
      .catch((err: unknown) => {
        if (!isFlotillaError(err, 'NOT_FOUND'))
          this.opts.log.warn({ task: id, err: describeError(err) }, 'cannot remove the task container');
      })
      .finally(() => this.leaving.delete(id));
    if (runner.vnis.length > 0) await this.pruneNetworks();
  }

  /** Removes the secret and config files of the tasks this node no longer has. */
  private async pruneFiles(): Promise<void> {
    const held = (id: string) => this.runners.has(id) || this.orphans.has(id) || this.leaving.has(id);
    await this.node.files
      .prune(held)
      .then((gone) => {
        if (gone.length > 0) this.opts.log.info({ tasks: gone }, 'removed the secret files of tasks gone');
      })
      .catch((err: unknown) =>
        this.opts.log.warn({ err: describeError(err) }, 'cannot remove the secret files of tasks gone'),
      );
  }

  /** Removes the devices of the overlay networks that no task of this node is on. */
  private async pruneNetworks(): Promise<void> {
    const inUse = new Set([...this.runners.values()].flatMap((r) => r.vnis));
    await this.opts.networks
      ?.prune(inUse)
      .catch((err: unknown) =>
        this.opts.log.warn({ err: describeError(err) }, 'cannot remove the devices of overlay networks left'),
      );
  }

  /** A container of a previous run that no assignment wants. */
  private async removeOrphan(id: string): Promise<void> {
    const orphan = this.orphans.get(id);
    if (!orphan) return;
    this.orphans.delete(id);
    this.leaving.add(id);
    const { driver, container } = orphan;
    await driver
      .stop(container.id, 0)
      .then(() => driver.remove(container.id))
      .then(() => this.node.files.remove(id))
      .catch((err: unknown) =>
        this.opts.log.warn(
          { container: container.id, err: describeError(err) },
          'cannot remove a stale container',
        ),
      )
      .finally(() => this.leaving.delete(id));
  }
}
