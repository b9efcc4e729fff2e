/**
 * A manager: the store, the control loops that run while it leads, and the gRPC services
 * (Control, NodeCA, Dispatcher) on the node's server. On a follower, calls that need the
 * leader are forwarded to it.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call.js';
import { describeError, FlotillaError, isFlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { ControlHandlers } from '../proto/gen/flotilla/Control.js';
import type { DispatcherHandlers } from '../proto/gen/flotilla/Dispatcher.js';
import type { EtcdStoreRef } from '../proto/gen/flotilla/EtcdStoreRef.js';
import type { JoinRequest } from '../proto/gen/flotilla/JoinRequest.js';
import type { RenewCertificateRequest } from '../proto/gen/flotilla/RenewCertificateRequest.js';
import type { UpdateTaskStatusRequest } from '../proto/gen/flotilla/UpdateTaskStatusRequest.js';
import type { NodeCAHandlers } from '../proto/gen/flotilla/NodeCA.js';
import { wire } from '../proto/load.js';
import { acceptsStaleReads, callerOf, failStream, nodeOf, serve, unary, type Access } from '../proto/rpc.js';
import type { Cluster, DataKey, Node, NodeCertificate, NodeDescription, RootCA } from '../proto/types.js';
import { ControlApi } from './api/control.js';
import { createNetwork, networkInfo, removeNetwork, resolveNetwork } from './api/networks.js';
import { configInfo, createFile, removeFile, resolveFile, secretInfo, valuesFor } from './api/secrets.js';
import { KeyFollower } from './keys/key-follower.js';
import { Keyring, resealed, unlockKeyText } from './keys/keyring.js';
import { keyId, newKey } from '../lib/seal.js';
import { ServiceWatches } from './api/service-watch.js';
import { ClusterEvents } from './api/events.js';
import { dashboardLogin } from './dashboard/login.js';
import { join, newJoinTokens } from './ca/join.js';
import { withJoinTokens } from './ca/join-tokens.js';
import { JoinRateLimit } from './ca/join-limit.js';
import { sliceOf } from './allocator/subnets.js';
import {
  issueClientCertificate,
  renewCertificate,
  rotateRootCa,
  sealedRoot,
  wasRemoved,
} from './ca/certificates.js';
import { DEFAULT_HEARTBEAT_MS, Dispatcher } from './dispatcher/dispatcher.js';
import { GlobalOrchestrator } from './orchestrator/global.js';
import { ReplicatedJobOrchestrator } from './orchestrator/jobs.js';
import { Rebalancer } from './orchestrator/rebalance.js';
import { ReplicatedOrchestrator } from './orchestrator/replicated.js';
import { Updater } from './orchestrator/updater.js';
import { DEFAULT_HISTORY_LIMIT } from './orchestrator/task-history.js';
import { Scheduler } from './scheduler/scheduler.js';
import { LeaderForwarder, forwardedFor, wasForwarded } from './forward.js';
import type { Leadership } from './leadership.js';
import { NONE } from './raft/types.js';
import { RoleManager, type ManagerGroup, type Route } from './membership/index.js';
import type { Store } from './store/types.js';
import type { TlsCredentials } from '../proto/tls.js';

export interface InitOptions {
  clusterId: string;
  /** This manager's node id, which its certificate already names. */
  nodeId: string;
  addr: string;
  description: NodeDescription;
  heartbeatMs?: number;
  /** How long node certificates are valid; 0 for the default. */
  nodeCertExpiryMs?: number;
  /** This manager's place in the Raft group, when the store is the embedded one. */
  raftId?: number;
  rootCa: RootCA;
  /** This manager's own certificate, as issued at init. */
  certificate: NodeCertificate;
  /** The pool of the nodes' container subnets; this manager's own is its first /24. */
  containerPool: string;
  /** Where this manager's overlay traffic arrives, when not at its advertised address. */
  dataPathAddr?: string;
  /** The cluster's data key, sealed by the key-encryption key this manager holds. */
  dataKey: DataKey;
  /** This manager's keys, which open `dataKey` (the CA's key is kept sealed by it). */
  keys: Keyring;
}

/** Creates the cluster in an empty store: its spec, CA, join tokens and this manager's node. */
export async function initCluster(store: Store, opts: InitOptions): Promise<void> {
  const { clusterId, nodeId } = opts;
  const dataKey = opts.keys.openDataKey(opts.dataKey);
  const cluster: Cluster = {
    id: clusterId,
    meta: null,
    spec: {
      name: 'default',
      heartbeatPeriodMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      taskHistoryLimit: DEFAULT_HISTORY_LIMIT,
      nodeCertExpiryMs: opts.nodeCertExpiryMs ?? 0,
      containerPool: opts.containerPool,
    },
    joinTokens: null,
    sealedJoinTokens: Buffer.alloc(0),
    rootCa: sealedRoot(opts.rootCa, clusterId, dataKey),
    removedNodes: [],
    dataKey: opts.dataKey,
  };
  await store.update((tx) => {
    tx.create('clusters', withJoinTokens(cluster, newJoinTokens(opts.rootCa.digest), dataKey));
    tx.create('nodes', {
      id: nodeId,
      meta: null,
      role: 'MANAGER',
      spec: { desiredRole: 'MANAGER', availability: 'ACTIVE', labels: {} },
      description: opts.description,
      status: { state: 'UNKNOWN', message: 'starting', addr: opts.addr },
      managerStatus: { raftId: opts.raftId ?? 0, addr: opts.addr, leader: false, reachability: 'UNKNOWN' },
      certificate: opts.certificate,
      containerSubnet: sliceOf(opts.containerPool, 0),
      dataPathAddr: opts.dataPathAddr ?? '',
    });
  });
}

/** A node speaks to the dispatcher only as itself: the node id it sends must be its certificate's. */
function notItself(call: ServerSurfaceCall, nodeId: string): FlotillaError | undefined {
  const self = nodeOf(call).id;
  return nodeId === self
    ? undefined
    : new FlotillaError('PERMISSION_DENIED', `node ${self} may not speak for node ${nodeId}`);
}

function throwIf(err: FlotillaError | undefined): void {
  if (err) throw err;
}

/** The host of a caller's `host:port`: its connections each come from a port of their own. */
const hostOf = (address: string) => address.replace(/:\d+$/, '');

/** The loops of one term of leadership. */
interface Term {
  abort: AbortController;
  dispatcher: Dispatcher;
  loops: Promise<void>[];
}

export interface ManagerOptions {
  store: Store;
  leadership: Leadership;
  /** The Raft group of managers, with the embedded store; without it this manager writes locally. */
  group?: ManagerGroup;
  /** Where the state is when etcd keeps it, for managers that join. */
  etcd?: EtcdStoreRef;
  /** This manager's TLS identity, for calls it forwards to the leader. */
  tls: TlsCredentials;
  /** This manager's advertised address. */
  addr: string;
  /** Where this manager serves its dashboard, as configured (undefined: the default; "": none). */
  dashboardAddr?: string;
  /** This manager's keys; the key-encryption key may come later (KeyFollower). */
  keys: Keyring;
  /** Keeps a key-encryption key this manager received (on disk, or sealing its own key). */
  onKey: (kek: Buffer, autolock: boolean) => Promise<void>;
  log: Logger;
}

export class Manager {
  readonly api: ControlApi;
  private readonly watches: ServiceWatches;
  private readonly store: Store;
  private readonly group: ManagerGroup | undefined;
  private readonly log: Logger;
  private readonly forwarder: LeaderForwarder;
  private readonly joinLimit = new JoinRateLimit(Date.now);
  private term: Term | undefined;
  private stepping: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private readonly keys: Keyring;
  /** Aborted when the manager closes: what runs for its whole life (the key follower, events) ends. */
  private readonly closing = new AbortController();
  private follower: Promise<void> | undefined;

  constructor(private readonly opts: ManagerOptions) {
    this.store = opts.store;
    this.group = opts.group;
    this.log = opts.log;
    this.keys = opts.keys;
    this.api = new ControlApi(opts.store, opts.keys);
    this.forwarder = new LeaderForwarder(opts.tls);
    this.watches = new ServiceWatches(opts.store, this.api);
  }

  /** Certificates of removed nodes are refused by every service of this manager. */
  readonly revoked = (nodeId: string): boolean => this.store.view((tx) => wasRemoved(tx, nodeId));

  /**
   * Adds the control API to the node's TCP server and its local socket, and the cluster's
   * services to the TCP server, each with who may call it.
   */
  register(tcp: grpc.Server, local: grpc.Server): void {
    const control = this.controlHandlers();
    const revoked = this.revoked;
    // Managers forward control calls they took from admins to the leader.
    const controlAccess: Access = { allow: ['local', 'admin', 'manager'], revoked };
    serve(local, wire.flotilla.Control.service, control, controlAccess);
    serve(tcp, wire.flotilla.Control.service, control, controlAccess);
    const ca: NodeCAHandlers = {
      Join: (call, cb) => {
        try {
          // A join a manager forwarded was counted where it arrived (the mark alone proves nothing).
          const caller = callerOf(call);
          const fromManager = caller.kind === 'certified' && caller.role === 'manager';
          if (!(fromManager && wasForwarded(call.metadata))) this.joinLimit.check(hostOf(caller.address));
        } catch (err) {
          return unary(() => Promise.reject(err))(call, cb);
        }
        this.routed(
          (req: JoinRequest) =>
            join(this.store, req, {
              managers: () => this.managerAddrs(),
              group: this.group,
              etcd: this.opts.etcd,
              keys: this.keys,
            }),
          (addr, req: JoinRequest) => this.forwarder.toCA(addr, (c) => c.Join, req),
          false,
        )(call, cb);
      },
      GetKeyEncryptionKey: (call, cb) =>
        unary(async () => {
          return this.keyForManager(nodeOf(call).id);
        })(call, cb),
      RenewCertificate: (call, cb) => {
        const nodeId = this.renewing(call);
        this.routed(
          (req: RenewCertificateRequest) => renewCertificate(this.store, this.keys, nodeId, req.csr),
          (addr, req: RenewCertificateRequest) =>
            this.forwarder.toCA(addr, (c) => c.RenewCertificate, req, nodeId),
          false,
        )(call, cb);
      },
    };
    const dispatcher: DispatcherHandlers = {
      Session: (stream) => {
        const d = this.dispatcherOrRefusal();
        const refusal = d instanceof FlotillaError ? d : notItself(stream, stream.request.nodeId);
        if (refusal) failStream(stream, refusal);
        else (d as Dispatcher).session(stream);
      },
      Beats: (stream) => {
        const d = this.dispatcherOrRefusal();
        if (d instanceof FlotillaError) failStream(stream, d);
        else d.beats(stream, (req) => notItself(stream, req.nodeId));
      },
      UpdateTaskStatus: (call, cb) =>
        unary(async (req: UpdateTaskStatusRequest) => {
          throwIf(notItself(call, req.nodeId));
          await this.dispatcher().updateTaskStatus(req);
          return {};
        })(call, cb),
    };
    serve(tcp, wire.flotilla.NodeCA.service, ca, {
      allow: ['manager', 'worker'],
      methods: { Join: ['anyone'], GetKeyEncryptionKey: ['manager'] },
      revoked,
    });
    serve(tcp, wire.flotilla.Dispatcher.service, dispatcher, { allow: ['manager', 'worker'], revoked });
  }

  /**
   * The key-encryption key, for a manager of the cluster (a demoted one keeps its manager
   * certificate for a while: the store says who is a manager now).
   */
  private keyForManager(nodeId: string) {
    const node = this.store.view((tx) => tx.get('nodes', nodeId));
    if (node?.role !== 'MANAGER') {
      throw new FlotillaError('PERMISSION_DENIED', `node ${nodeId} is not a manager of this cluster`);
    }
    const { kek, dataKey } = this.currentKey();
    return { key: kek, kekId: dataKey.kekId, autolock: dataKey.autolock };
  }

  /** This manager's key-encryption key, when it is the cluster's current one. */
  private currentKey(): { kek: Buffer; dataKey: DataKey } {
    const dataKey = this.store.view((tx) => tx.all('clusters')[0]?.dataKey);
    const kek = this.keys.keyEncryptionKey;
    if (!kek || !dataKey || keyId(kek) !== dataKey.kekId) {
      throw new FlotillaError(
        'UNAVAILABLE',
        "this manager does not hold the cluster's current key yet; retry, or ask another manager",
      );
    }
    return { kek, dataKey };
  }

  /** The unlock key: only an autolocked cluster has one to show. */
  private unlockKey(): Buffer {
    const { kek, dataKey } = this.currentKey();
    if (!dataKey.autolock) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        'this cluster is not autolocked: its managers keep their key on disk, and no unlock key is needed (`cluster update --autolock true` turns it on)',
      );
    }
    return kek;
  }

  /**
   * A new key-encryption key (and autolock on or off): the data key sealed by it in one
   * write, the old one still opening it until the next rotation; every other manager fetches
   * the new one from here and keeps it as `autolock` says.
   */
  private async rotateKey(autolock?: boolean): Promise<{ kek: Buffer; autolock: boolean }> {
    this.currentKey();
    const kek = newKey();
    const dataKey = await this.store.update((tx) => {
      const cluster = tx.all('clusters')[0]!;
      const dataKey = resealed(cluster.dataKey!, this.keys.dataKey(tx), kek, autolock);
      tx.update('clusters', { ...cluster, dataKey });
      return dataKey;
    });
    this.keys.hold(kek);
    await this.opts.onKey(kek, dataKey.autolock);
    return { kek, autolock: dataKey.autolock };
  }

  /** Autolock on, with a new key; or off. */
  private async updateAutolock(autolock: boolean): Promise<{ key: string }> {
    if (autolock === this.currentKey().dataKey.autolock) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        autolock
          ? 'this cluster is autolocked already: `cluster unlock-key --rotate` makes a new key'
          : 'this cluster is not autolocked',
      );
    }
    const rotated = await this.rotateKey(autolock);
    return { key: rotated.autolock ? unlockKeyText(rotated.kek) : '' };
  }

  /** The node a renewal is for: the caller, or the node a manager forwarded it for. */
  private renewing(call: ServerSurfaceCall): string {
    const caller = nodeOf(call);
    return (caller.role === 'manager' && forwardedFor(call.metadata)) || caller.id;
  }

  /** Runs the control loops whenever this manager leads, from now on. */
  start(): void {
    this.follower = new KeyFollower({
      store: this.store,
      keys: this.keys,
      managers: () => this.managerAddrs().filter((a) => a !== this.opts.addr),
      fetch: (addr) => this.forwarder.toCA(addr, (c) => c.GetKeyEncryptionKey, {}),
      onKey: this.opts.onKey,
      log: this.log.child({ room: 'keys' }),
    }).run(this.closing.signal);
    this.unsubscribe = this.opts.leadership.subscribe((leading) => {
      // Terms start and stop one after another, never overlapping.
      this.stepping = this.stepping.then(() => (leading ? this.lead() : this.follow()));
    });
  }

  async close(): Promise<void> {
    this.watches.close();
    this.closing.abort();
    await this.follower;
    this.unsubscribe?.();
    await this.stepping;
    await this.follow();
    this.forwarder.close();
  }

  private lead(): void {
    if (this.term) return;
    const abort = new AbortController();
    const dispatcher = new Dispatcher(
      this.store,
      this.log.child({ room: 'dispatcher' }),
      () => this.heartbeatMs(),
      Date.now,
      (tx, tasks) => valuesFor(tx, this.keys, tasks),
    );
    const term: Term = { abort, dispatcher, loops: [] };
    const run = (name: string, loop: { run(signal: AbortSignal): Promise<void> }) =>
      term.loops.push(
        loop
          .run(abort.signal)
          .catch((err: unknown) =>
            this.log.error({ loop: name, err: describeError(err) }, 'control loop stopped'),
          ),
      );
    const orchestratorLog = this.log.child({ room: 'orchestrator' });
    run('orchestrator', new ReplicatedOrchestrator(this.store, orchestratorLog));
    run('global-orchestrator', new GlobalOrchestrator(this.store, orchestratorLog));
    run('global-job-orchestrator', new GlobalOrchestrator(this.store, orchestratorLog, 'globalJob'));
    run('replicated-job-orchestrator', new ReplicatedJobOrchestrator(this.store, orchestratorLog));
    run('rebalancer', new Rebalancer(this.store, orchestratorLog));
    run('updater', new Updater(this.store, orchestratorLog));
    run('scheduler', new Scheduler(this.store, this.log.child({ room: 'scheduler' })));
    run('dispatcher', dispatcher);
    if (this.group) {
      run('admission', this.group.admission);
      run('roles', new RoleManager(this.store, this.group, this.log.child({ room: 'roles' })));
    }
    this.term = term;
  }

  private async follow(): Promise<void> {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    term.abort.abort();
    await Promise.all(term.loops);
  }

  private dispatcherOrRefusal(): Dispatcher | FlotillaError {
    if (this.term) return this.term.dispatcher;
    let route: Route | undefined;
    try {
      route = this.group?.route();
    } catch {
      // No leader: nobody to name.
    }
    if (route && !route.local) {
      return new FlotillaError(
        'NOT_LEADER',
        `this manager does not dispatch tasks: the leader is ${route.leaderAddr}; try another manager`,
        { leader: { id: route.leaderId, address: route.leaderAddr } },
      );
    }
    return new FlotillaError(
      'NOT_LEADER',
      'this manager does not dispatch tasks: no manager leads right now; try another manager',
    );
  }

  private dispatcher(): Dispatcher {
    const d = this.dispatcherOrRefusal();
    if (d instanceof FlotillaError) throw d;
    return d;
  }

  /**
   * A call served here when this manager leads (reads first confirm it still does), and
   * forwarded to the leader otherwise.
   */
  private routed<Req, Res>(
    handle: (req: Req) => Promise<Res>,
    remote: (leaderAddr: string, req: Req) => Promise<Res>,
    read: boolean,
  ): grpc.handleUnaryCall<Req, Res> {
    const local = handle;
    return unary(async (req: Req, metadata, warn) => {
      const group = this.group;
      if (!group) {
        if (read) await this.store.readBarrier();
        return local(req);
      }
      // Without a quorum nothing confirms that this manager's copy is current: a read answers
      // from it only for a caller that said a stale answer will do, and says how stale.
      const staleOk = read && acceptsStaleReads(metadata);
      const stale = () => {
        warn(group.staleness());
        return local(req);
      };
      let route: Route;
      try {
        route = group.route();
        if (route.local && read) await this.store.readBarrier();
      } catch (err) {
        if (!read || !isFlotillaError(err, 'NO_QUORUM')) throw err;
        if (staleOk) return stale();
        throw group.noLeaderError(true);
      }
      if (route.local) return read ? local(req) : this.writeHere(local, req, group);
      if (wasForwarded(metadata)) {
        throw new FlotillaError('NOT_LEADER', 'the call reached a manager that no longer leads; retry');
      }
      // The leader may find it has lost its quorum (its read barrier fails before it steps down).
      return remote(route.leaderAddr, req).catch((err: unknown) => {
        if (staleOk && isFlotillaError(err, 'NO_QUORUM')) return stale();
        throw err;
      });
    });
  }

  /** A write on this leader; if leadership is lost on the way and nobody leads, say why. */
  private async writeHere<Req, Res>(
    local: (req: Req) => Promise<Res>,
    req: Req,
    group: ManagerGroup,
  ): Promise<Res> {
    try {
      return await local(req);
    } catch (err) {
      if (!isFlotillaError(err, 'NOT_LEADER') || group.raft.leader !== NONE) throw err;
      throw new FlotillaError('NO_QUORUM', `${err.message}. ${group.noLeaderError().message}`, {
        cause: err,
      });
    }
  }

  private heartbeatMs(): number {
    return this.store.view((tx) => tx.all('clusters')[0]?.spec?.heartbeatPeriodMs) || DEFAULT_HEARTBEAT_MS;
  }

  private managerAddrs(): string[] {
    return this.store.view((tx) =>
      tx
        .all('nodes')
        .filter((n) => n.role === 'MANAGER')
        .map((n) => n.status?.addr ?? ''),
    );
  }

  /** A demotion must leave the managers able to decide; a promotion needs the Raft group. */
  private checkDemotion(current: Node, spec: Node['spec']): void {
    const hostname = current.description?.hostname ?? current.id;
    if (!this.group) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        'this cluster keeps its state in etcd: its managers are not promoted or demoted',
      );
    }
    if (spec?.desiredRole === 'WORKER' && current.managerStatus) {
      this.group.checkRemoval(current.managerStatus.raftId, hostname);
    }
  }

  /**
   * Nodes as stored, with a live view of each manager: the Raft leader's, or with etcd the
   * election's leader and whether the manager heartbeats.
   */
  private async managerView(): Promise<(node: Node) => Node> {
    const group = this.group;
    if (group) return (n) => (n.managerStatus ? { ...n, managerStatus: group.describe(n.managerStatus) } : n);
    const leaderAddr = await this.opts.leadership.leaderAddr().catch(() => undefined);
    return (n) =>
      n.managerStatus
        ? {
            ...n,
            managerStatus: {
              ...n.managerStatus,
              leader: n.managerStatus.addr === leaderAddr,
              reachability: n.status?.state === 'READY' ? 'REACHABLE' : 'UNREACHABLE',
            },
          }
        : n;
  }

  private controlHandlers(): ControlHandlers {
    const api = this.api;
    const f = this.forwarder;
    // Events are kept from here on, for as long as this manager runs.
    const events = new ClusterEvents(this.store, this.closing.signal);
    return {
      ListNodes: this.routed(
        async (req) => {
          const { nodes, nextPageToken } = api.listNodes(req);
          return { nodes: nodes.map(await this.managerView()), nextPageToken };
        },
        (addr, req) => f.toControl(addr, (c) => c.ListNodes, req),
        true,
      ),
      GetNode: this.routed(
        async (req) => ({ node: (await this.managerView())(api.getNode(req.node)) }),
        (addr, req) => f.toControl(addr, (c) => c.GetNode, req),
        true,
      ),
      UpdateNode: this.routed(
        async (req) => ({
          node: (await this.managerView())(
            await api.updateNode(req.nodeId, req.version, req.spec, (current) =>
              this.checkDemotion(current, req.spec),
            ),
          ),
        }),
        (addr, req) => f.toControl(addr, (c) => c.UpdateNode, req),
        false,
      ),
      RemoveNode: this.routed(
        async (req) => {
          await api.removeNode(req.node, req.force);
          return {};
        },
        (addr, req) => f.toControl(addr, (c) => c.RemoveNode, req),
        false,
      ),
      CreateService: this.routed(
        async (req) => ({ service: await api.createService(req.spec) }),
        (addr, req) => f.toControl(addr, (c) => c.CreateService, req),
        false,
      ),
      GetService: this.routed(
        async (req) => {
          const service = api.getService(req.service);
          return { service, unplaced: api.unplacedTasks(service.id) };
        },
        (addr, req) => f.toControl(addr, (c) => c.GetService, req),
        true,
      ),
      UpdateService: this.routed(
        async (req) => ({ service: await api.updateService(req.serviceId, req.version, req.spec) }),
        (addr, req) => f.toControl(addr, (c) => c.UpdateService, req),
        false,
      ),
      RemoveService: this.routed(
        async (req) => {
          await api.removeService(req.service);
          return {};
        },
        (addr, req) => f.toControl(addr, (c) => c.RemoveService, req),
        false,
      ),
      ListServices: this.routed(
        async (req) => api.listServices(req),
        (addr, req) => f.toControl(addr, (c) => c.ListServices, req),
        true,
      ),
      ListTasks: this.routed(
        async (req) => api.listTasks(req),
        (addr, req) => f.toControl(addr, (c) => c.ListTasks, req),
        true,
      ),
      WatchService: (stream) => void this.watches.serve(stream),
      WatchEvents: (stream) => void events.serve(stream),
      GetJoinTokens: this.routed(
        async () => ({ tokens: api.joinTokens() }),
        (addr, req) => f.toControl(addr, (c) => c.GetJoinTokens, req),
        true,
      ),
      RotateJoinToken: this.routed(
        async (req) => ({ tokens: await api.rotateJoinToken(req.role) }),
        (addr, req) => f.toControl(addr, (c) => c.RotateJoinToken, req),
        false,
      ),
      RotateCA: this.routed(
        async () => ({ digest: (await rotateRootCa(this.store, this.keys)).digest }),
        (addr, req) => f.toControl(addr, (c) => c.RotateCA, req),
        false,
      ),
      // Signed wherever it arrives: only the replicated root is needed, nothing is written.
      IssueClientCertificate: unary((req) =>
        issueClientCertificate(this.store, this.keys, req.csr, req.expiryMs),
      ),
      RollbackService: this.routed(
        async (req) => ({ service: await api.rollbackService(req.service, req.toVersion) }),
        (addr, req) => f.toControl(addr, (c) => c.RollbackService, req),
        false,
      ),
      PromoteService: this.routed(
        async (req) => ({ service: await api.promoteService(req.service) }),
        (addr, req) => f.toControl(addr, (c) => c.PromoteService, req),
        false,
      ),
      CreateNetwork: this.routed(
        async (req) => {
          const network = await createNetwork(this.store, req.spec);
          return this.store.view((tx) => networkInfo(tx, network));
        },
        (addr, req) => f.toControl(addr, (c) => c.CreateNetwork, req),
        false,
      ),
      GetNetwork: this.routed(
        async (req) => this.store.view((tx) => networkInfo(tx, resolveNetwork(tx, req.network))),
        (addr, req) => f.toControl(addr, (c) => c.GetNetwork, req),
        true,
      ),
      ListNetworks: this.routed(
        async () => ({
          networks: this.store.view((tx) => tx.all('networks').map((n) => networkInfo(tx, n))),
        }),
        (addr, req) => f.toControl(addr, (c) => c.ListNetworks, req),
        true,
      ),
      RemoveNetwork: this.routed(
        async (req) => {
          await removeNetwork(this.store, req.network);
          return {};
        },
        (addr, req) => f.toControl(addr, (c) => c.RemoveNetwork, req),
        false,
      ),
      CreateSecret: this.routed(
        async (req) => {
          const secret = await createFile(this.store, this.keys, 'secrets', req.spec, req);
          return this.store.view((tx) => secretInfo(tx, secret));
        },
        (addr, req) => f.toControl(addr, (c) => c.CreateSecret, req),
        false,
      ),
      GetSecret: this.routed(
        async (req) => this.store.view((tx) => secretInfo(tx, resolveFile(tx, 'secrets', req.secret))),
        (addr, req) => f.toControl(addr, (c) => c.GetSecret, req),
        true,
      ),
      ListSecrets: this.routed(
        async () => ({ secrets: this.store.view((tx) => tx.all('secrets').map((s) => secretInfo(tx, s))) }),
        (addr, req) => f.toControl(addr, (c) => c.ListSecrets, req),
        true,
      ),
      RemoveSecret: this.routed(
        async (req) => {
          await removeFile(this.store, 'secrets', req.secret);
          return {};
        },
        (addr, req) => f.toControl(addr, (c) => c.RemoveSecret, req),
        false,
      ),
      CreateConfig: this.routed(
        async (req) => {
          const config = await createFile(this.store, this.keys, 'configs', req.spec, req);
          return this.store.view((tx) => configInfo(tx, config));
        },
        (addr, req) => f.toControl(addr, (c) => c.CreateConfig, req),
        false,
      ),
      GetConfig: this.routed(
        async (req) =>
          this.store.view((tx) => configInfo(tx, resolveFile(tx, 'configs', req.config), this.keys)),
        (addr, req) => f.toControl(addr, (c) => c.GetConfig, req),
        true,
      ),
      ListConfigs: this.routed(
        async () => ({ configs: this.store.view((tx) => tx.all('configs').map((c) => configInfo(tx, c))) }),
        (addr, req) => f.toControl(addr, (c) => c.ListConfigs, req),
        true,
      ),
      RemoveConfig: this.routed(
        async (req) => {
          await removeFile(this.store, 'configs', req.config);
          return {};
        },
        (addr, req) => f.toControl(addr, (c) => c.RemoveConfig, req),
        false,
      ),
      GetUnlockKey: this.routed(
        async () => ({ key: unlockKeyText(this.unlockKey()) }),
        (addr, req) => f.toControl(addr, (c) => c.GetUnlockKey, req),
        true,
      ),
      RotateUnlockKey: this.routed(
        async () => {
          this.unlockKey();
          return { key: unlockKeyText((await this.rotateKey()).kek) };
        },
        (addr, req) => f.toControl(addr, (c) => c.RotateUnlockKey, req),
        false,
      ),
      UpdateAutolock: this.routed(
        async (req) => this.updateAutolock(req.autolock),
        (addr, req) => f.toControl(addr, (c) => c.UpdateAutolock, req),
        false,
      ),
      // Only a locked daemon (daemon/locked.ts) takes a key; a running manager has its own.
      Unlock: unary(async () => {
        throw new FlotillaError('INVALID_ARGUMENT', 'this manager is not locked: it needs no unlock key');
      }),
      DashboardLogin: unary(async (req) =>
        dashboardLogin(req, {
          store: this.store,
          keys: this.keys,
          addr: this.opts.addr,
          configured: this.opts.dashboardAddr,
          now: Date.now(),
        }),
      ),
    };
  }
}
