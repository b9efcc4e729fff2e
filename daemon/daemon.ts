/**
 * The node daemon: one process per node. On a manager it runs the store, the control
 * loops and the cluster's gRPC services; on every node it runs the agent with the
 * node's runtime drivers, and serves the control API on a local unix socket.
 */
import * as grpc from '@grpc/grpc-js';
import { hostname as osHostname } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { describeError, FlotillaError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
// What only a manager runs is loaded where a manager starts: a worker goes without its code.
import type { Manager, ManagerOptions } from '../manager/manager.js';
import type { Keyring } from '../manager/keys/keyring.js';
import { newKey } from '../lib/seal.js';
import { isLocked, keepKek, readKek } from './manager-keys.js';
import type { Leadership } from '../manager/leadership.js';
import type { Store } from '../manager/store/types.js';
import { wire } from '../proto/load.js';
import { createServer, failStream, listen, serve, shutdown, unary } from '../proto/rpc.js';
import { TlsCredentials, type TlsMaterial } from '../proto/tls.js';
import { newKeyAndRequest, trustDigest } from '../lib/pki.js';
import type { ExternalCA } from '../proto/gen/flotilla/ExternalCA.js';
import { DEFAULT_CONTAINER_POOL, sliceOf } from '../manager/allocator/subnets.js';
import type { DataKey, NodeCertificate, RootCA } from '../proto/types.js';
import { CertRenewal } from './cert-renewal.js';
import { readTlsDir, writeTlsDir } from './tls-dir.js';
import type { HeartbeatResponse } from '../proto/gen/flotilla/HeartbeatResponse.js';
import type { OverlayPeer } from '../proto/gen/flotilla/OverlayPeer.js';
import type { LeaveRequest } from '../proto/gen/flotilla/LeaveRequest.js';
import type { LeaveResponse } from '../proto/gen/flotilla/LeaveResponse.js';
import type { RuntimeDriver } from '../runtime/driver.js';
import { Agent } from '../worker/agent.js';
import { NodeNetwork } from '../worker/mesh/node-network.js';
import type { BridgeServices } from '../worker/bridge-services.js';
import {
  advertised,
  paths,
  readIdentity,
  writeIdentity,
  type NodeIdentity,
  type NodeSettings,
} from './data-dir.js';
import { describeNode } from './description.js';
import { nodeDrivers, overlaySubnet } from './drivers.js';
import type { OverlayNetworks } from '../worker/networks.js';
import type { Overlay } from '../worker/overlay.js';
import { restrictDataDir, restrictSocket, socketGroupId } from './permissions.js';
import { nodeRuntimeService } from '../worker/node-runtime.js';
import { VolumeStore, volumeUsers } from '../worker/volumes.js';
import { showParts, type PartName } from '../lib/metrics.js';
import { metricsAddress, MetricsServer } from './metrics-server.js';
import type { DashboardServer } from '../manager/dashboard/server.js';

export interface InitRequest extends NodeSettings {
  listen: string;
  /** What the other nodes dial (never a wildcard). */
  advertise: string;
  hostname?: string;
  heartbeatMs?: number;
  /** Keep the state in this etcd cluster instead of the managers' own Raft group. */
  etcdEndpoints?: string[];
  /** The pool of the nodes' container subnets (`--default-addr-pool`, with `;mask=N` for other than /24s); unset: 10.64.0.0/10. */
  containerPool?: string;
  /** Where this node's overlay traffic arrives (`--data-path-addr`, an IP). */
  dataPathAddr?: string;
  /** How long node certificates are valid (`--cert-expiry`); unset: 90 days. */
  certExpiryMs?: number;
  /**
   * The user's own root CA (`--ca-cert`, and `--ca-key` or an external CA that signs for it,
   * `--external-ca`); unset: a new one.
   */
  ca?: { certFile: string; keyFile?: string; external?: ExternalCA };
  /** Keep the managers' key only in memory: a restarted manager waits for `cluster unlock`. */
  autolock?: boolean;
}

export interface StartOptions {
  /** Create a new cluster in an empty data dir. */
  init?: InitRequest;
  /** Recover a manager whose group lost its quorum: it becomes the only manager, keeping the state. */
  forceNewCluster?: boolean;
  /** Told when the manager starts locked (it waits for `cluster unlock`), and when it is unlocked. */
  onLocked?: (locked: boolean, identity: NodeIdentity) => void;
}

export class Daemon {
  /** Resolves when the daemon has to be restarted, e.g. in a new role. */
  readonly restart: Promise<void>;
  private restartWanted: () => void = () => undefined;
  /** Resolves when the node has left the cluster (`cluster leave`): the daemon is to stop for good. */
  readonly left: Promise<void>;
  private leftDone: () => void = () => undefined;
  private identity: NodeIdentity | undefined;
  private agent: Agent | undefined;
  private identityWrites: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private servers: grpc.Server[] = [];
  private store: Store | undefined;
  private leadership: Leadership | undefined;
  private manager: Manager | undefined;
  private agentRun: Promise<void> | undefined;
  private drivers: RuntimeDriver[] = [];
  private network: NodeNetwork | undefined;
  private tls: TlsCredentials | undefined;
  private renewal: CertRenewal | undefined;
  private bridgeServices: BridgeServices | undefined;
  private overlay: Overlay | undefined;
  private metrics: MetricsServer | undefined;
  private hideMetrics: (() => void) | undefined;
  private dashboard: DashboardServer | undefined;

  private constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {
    this.restart = new Promise((resolve) => (this.restartWanted = resolve));
    this.left = new Promise((resolve) => (this.leftDone = resolve));
  }

  /** Starts the node in `dataDir`. */
  static async start(
    dataDir: string,
    log: Logger,
    opts: StartOptions = {},
  ): Promise<{ daemon: Daemon; identity: NodeIdentity }> {
    const daemon = new Daemon(dataDir, log);
    try {
      const identity = await daemon.boot(opts);
      return { daemon, identity };
    } catch (err) {
      await daemon.close();
      throw err;
    }
  }

  private async boot({ init, forceNewCluster, onLocked }: StartOptions): Promise<NodeIdentity> {
    const p = paths(this.dataDir);
    const found = await readIdentity(this.dataDir);
    if (init && found) {
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `${this.dataDir} already holds a node; restart it with \`cluster daemon --data-dir ${this.dataDir}\``,
      );
    }
    const identity = init ? newManagerIdentity(init) : found;
    if (!identity) {
      throw new FlotillaError(
        'NOT_FOUND',
        `${this.dataDir} holds no node: create one with \`cluster init\` or \`cluster join\``,
      );
    }
    // The CLI makes data dirs 0700; older ones are tightened here.
    const socketGid = await socketGroupId(identity.socketGroup);
    await restrictDataDir(this.dataDir, socketGid);
    if (identity.role === 'WORKER' && existsSync(p.raft)) {
      // A demoted manager: its log is of no use to a worker, and a later promotion starts afresh.
      await rename(p.raft, `${p.raft}.demoted-${Date.now()}`);
    }
    if (forceNewCluster && identity.role !== 'MANAGER') {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `${this.dataDir} holds a worker; only a manager can force a new cluster`,
      );
    }
    const ca = init ? await this.newClusterCredentials(identity, init) : undefined;
    let kek = ca?.kek ?? (identity.role === 'MANAGER' ? readKek(p.certs) : undefined);
    let material = ca?.material;
    if (!material && identity.role === 'MANAGER' && isLocked(p.certs)) {
      onLocked?.(true, identity);
      const { waitForUnlock } = await import('./locked.js');
      const unlocked = await waitForUnlock({
        socket: p.socket,
        socketGid,
        certs: p.certs,
        log: this.log,
        signal: this.abort.signal,
      });
      onLocked?.(false, identity);
      kek = unlocked.kek;
      material = readTlsDir(p.certs, unlocked.tlsKey);
    }
    const tls = new TlsCredentials(material ?? this.nodeCredentials());
    this.tls = tls;
    this.drivers = await nodeDrivers(this.dataDir, identity, this.log);
    const volumes = new VolumeStore(p.volumes, volumeUsers(this.drivers));
    const tcp = createServer(tls);
    const local = createServer('local');
    this.servers = [tcp, local];
    serve(
      local,
      wire.flotilla.NodeLocal.service,
      { Leave: unary((req: LeaveRequest) => this.leave(req.force)) },
      { allow: ['local'] },
    );
    serve(
      tcp,
      wire.flotilla.NodeRuntime.service,
      nodeRuntimeService({
        drivers: this.drivers,
        uploads: p.uploads,
        volumes,
        maxImageBytes: identity.maxImageSize,
        log: this.log.child({ room: 'node-runtime' }),
      }),
      // Exec, logs and images are for the cluster's administrators only.
      { allow: ['admin'] },
    );
    if (identity.role === 'MANAGER') {
      const { Keyring, newDataKey } = await import('../manager/keys/keyring.js');
      const keys = new Keyring(kek);
      this.manager = await this.startManager(identity, tcp, {
        bootstrap: init !== undefined,
        forceNewCluster,
        keys,
      });
      this.manager.register(tcp, local);
      if (init) await this.initCluster(identity, init, ca!, keys, newDataKey(kek!, init.autolock ?? false));
      if (forceNewCluster) await this.leadingAlone();
      await this.startDashboard(identity, keys);
    } else {
      // On both servers, so that `--host WORKER_ADDR` also gets told where to go.
      const refusal = workerControl();
      serve(local, wire.flotilla.Control.service, refusal, { allow: ['local', 'admin'] });
      serve(tcp, wire.flotilla.Control.service, refusal, { allow: ['local', 'admin'] });
    }
    await listen(tcp, identity.listen);
    await rm(p.socket, { force: true });
    await listen(local, `unix:${p.socket}`);
    await restrictSocket(p.socket, socketGid);
    await writeFile(p.pid, `${process.pid}\n`, { mode: 0o600 });
    this.manager?.start();

    const gateway = this.drivers.find((d) => d.network === 'own')?.gateway;
    const network = await NodeNetwork.start(
      identity.listen,
      advertised(identity),
      gateway,
      this.log.child({ room: 'mesh' }),
      identity.nodeId,
    );
    this.network = network;
    // The bridge's services and the overlay serve containers on the node's bridge: only a node
    // with one loads their code.
    let bridge: BridgeServices | undefined;
    let overlay: Overlay | undefined;
    let networks: OverlayNetworks | undefined;
    if (gateway) {
      const [{ BridgeServices }, { OverlayNetworks }] = await Promise.all([
        import('../worker/bridge-services.js'),
        import('../worker/networks.js'),
      ]);
      bridge = this.bridgeServices = await BridgeServices.start(
        gateway,
        (ip) => this.agent?.networksOf(ip) ?? [],
        this.log.child({ room: 'mesh' }),
      );
      overlay = this.overlay = await this.startOverlay(identity);
      if (overlay) networks = new OverlayNetworks(underlayOf(identity), this.log.child({ room: 'overlay' }));
    }
    this.renewal = new CertRenewal({
      dir: p.certs,
      tls,
      managers: async () => (await readIdentity(this.dataDir))?.managers ?? identity.managers,
      log: this.log.child({ room: 'certificates' }),
    });
    this.renewal.start(identity.role === 'MANAGER' ? 'manager' : 'worker');
    const agent = (this.agent = new Agent({
      nodeId: identity.nodeId,
      volumes,
      tls,
      addr: advertised(identity),
      managers: identity.managers,
      description: {
        ...describeNode(identity, this.runtimes(), overlay !== undefined),
        dnsAddr: network.dnsAddr,
      },
      onEndpoints: (changes) => {
        network.apply(changes);
        bridge?.apply(changes);
      },
      taskEnv: network.taskEnv(),
      networks,
      drivers: this.drivers,
      log: this.log.child({ room: 'agent' }),
      onManagers: (managers) => void this.saveIdentity({ managers }).catch(() => undefined),
      // New roots to trust (a CA rotation): a certificate of the new root, and the roots, come with a renewal.
      // A node with no container bridge has no overlay to feed, and asks for no peers.
      ...(overlay && {
        onOverlayPeers: (peers: OverlayPeer[]) => {
          void overlay?.apply(peers);
          networks?.setPeers(peers);
        },
      }),
      onTrust: (digest) => {
        if (digest !== trustDigest(tls.material.ca)) void this.renewal?.renewNow().catch(() => undefined);
      },
      role: identity.role,
      ...(identity.role === 'MANAGER' && { raftId: identity.raftId }),
      onRoleChange: (change) => void this.changeRole(change),
    }));
    this.agentRun = agent.run(this.abort.signal);
    await this.startMetrics(identity);
    this.identity = identity;
    this.log.info(
      {
        node: identity.nodeId,
        role: identity.role,
        listen: identity.listen,
        advertise: advertised(identity),
      },
      'node ready',
    );
    return identity;
  }

  /**
   * The metrics endpoint, showing the parts this node runs. A node that cannot serve it (its
   * port taken, say by another node on the same machine) runs on without, and says so.
   */
  private async startMetrics(identity: NodeIdentity): Promise<void> {
    const addr = metricsAddress(identity.metricsAddr, advertised(identity));
    if (!addr) return;
    try {
      this.metrics = await MetricsServer.start(addr);
    } catch (err) {
      this.log.warn(
        `${describeError(err)}: this node runs without metrics until it restarts. Free the port, or give the node another address ("metricsAddr" in ${paths(this.dataDir).identity}; --metrics-addr at init and join)`,
      );
      return;
    }
    const manager = identity.role === 'MANAGER';
    const parts: PartName[] = ['agent', 'mesh'];
    if (manager) parts.push('scheduler', 'dispatcher');
    if (manager && !identity.etcd) parts.push('raft', 'store');
    this.hideMetrics = showParts(parts);
    this.log.info({ metrics: `http://${this.metrics.addr}/metrics` }, 'metrics served');
  }

  /**
   * A manager's web dashboard. A manager that cannot serve it (its port taken, say) runs on
   * without, and says so.
   */
  private async startDashboard(identity: NodeIdentity, keys: Keyring): Promise<void> {
    const { dashboardAddress } = await import('../manager/dashboard/login.js');
    const addr = dashboardAddress(identity.dashboardAddr, advertised(identity));
    if (!addr) return;
    const { DashboardServer } = await import('../manager/dashboard/server.js');
    try {
      this.dashboard = await DashboardServer.start({
        addr,
        tls: this.tls!,
        store: this.store!,
        keys,
        socket: paths(this.dataDir).socket,
        revoked: (id) => this.manager?.revoked(id) ?? true,
        leaderAddr: () => this.leadership?.leaderAddr() ?? Promise.resolve(undefined),
        log: this.log.child({ room: 'dashboard' }),
      });
    } catch (err) {
      this.log.warn(
        `${describeError(err)}: this manager runs without its dashboard until it restarts. Free the port, or give it another address ("dashboardAddr" in ${paths(this.dataDir).identity}; --dashboard-addr at init and join)`,
      );
      return;
    }
    this.log.info({ dashboard: `https://${this.dashboard.addr}/` }, 'dashboard served');
  }

  /**
   * The overlay that routes every other node's containers to this node and back, when this
   * node's containers use its slice of the cluster's pool; without it (no VXLAN here, say)
   * containers reach only their own node's, and the log says so.
   */
  private async startOverlay(identity: NodeIdentity): Promise<Overlay | undefined> {
    const subnet = overlaySubnet(identity);
    if (!subnet) return undefined;
    const underlay = underlayOf(identity);
    const { Overlay } = await import('../worker/overlay.js');
    return Overlay.start({ subnet, underlay, log: this.log.child({ room: 'overlay' }) }).catch(
      (err: unknown) => {
        this.log.warn(
          { err: describeError(err) },
          "cannot set up the overlay: this node's containers are not reachable from other nodes",
        );
        return undefined;
      },
    );
  }

  /** The store on the Raft group of managers (its transport on the TCP server), and the manager on it. */
  private async startManager(
    id: NodeIdentity,
    tcp: grpc.Server,
    opts: { bootstrap: boolean; forceNewCluster?: boolean; keys: Keyring },
  ): Promise<Manager> {
    const log = this.log.child({ room: 'manager' });
    const certs = paths(this.dataDir).certs;
    const keys = {
      keys: opts.keys,
      addr: advertised(id),
      dashboardAddr: id.dashboardAddr,
      onKey: (kek: Buffer, autolock: boolean) => keepKek(certs, kek, autolock, this.tls!.material.key!),
    };
    if (id.etcd) return this.startEtcdManager(id, id.etcd, log, keys);
    const dir = paths(this.dataDir).raft;
    // A manager that ran before and lost its log must not start a new, empty group.
    if (!opts.bootstrap && !id.raftPeers && !existsSync(dir)) {
      throw new FlotillaError(
        'CORRUPT',
        `${dir} is missing: this manager's Raft log is gone. Restore the data dir from a backup, or join this node again`,
      );
    }
    const [{ Manager }, { GrpcRaftTransport }, { RaftStore }, { RaftLeadership }, { ManagerGroup }] =
      await Promise.all([
        import('../manager/manager.js'),
        import('../manager/raft/transport/index.js'),
        import('../manager/store/raft-store.js'),
        import('../manager/store/raft-leadership.js'),
        import('../manager/membership/index.js'),
      ]);
    const raftId = id.raftId ?? 0;
    const tls = this.tls!;
    const transport = new GrpcRaftTransport({ id: raftId, clusterId: id.clusterId, logger: log, tls });
    transport.register(tcp, (nodeId) => this.manager?.revoked(nodeId) ?? false);
    const self = { id: raftId, address: advertised(id) };
    const store = await RaftStore.open({
      id: raftId,
      dir,
      transport,
      bootstrap: opts.bootstrap ? [self] : undefined,
      peers: id.raftPeers,
      forceNewCluster: opts.forceNewCluster,
      logger: log,
    });
    this.store = store;
    this.leadership = new RaftLeadership(store.raft, log);
    const group = new ManagerGroup(store.raft, log, this.dataDir);
    return new Manager({ store, leadership: this.leadership, group, log, tls, ...keys });
  }

  /** A manager whose state etcd keeps: every manager writes there; an etcd lease elects the one that runs the loops. */
  private async startEtcdManager(
    id: NodeIdentity,
    etcd: { endpoints: string[]; prefix: string },
    log: Logger,
    keys: Pick<ManagerOptions, 'keys' | 'addr' | 'dashboardAddr' | 'onKey'>,
  ): Promise<Manager> {
    const [{ Manager }, { EtcdStore }, { EtcdLeadership }] = await Promise.all([
      import('../manager/manager.js'),
      import('../manager/store/etcd/etcd-store.js'),
      import('../manager/store/etcd/etcd-election.js'),
    ]);
    this.store = await EtcdStore.open({ ...etcd, logger: log });
    this.leadership = EtcdLeadership.start({ ...etcd, id: advertised(id), logger: log });
    return new Manager({
      store: this.store,
      leadership: this.leadership,
      log,
      etcd,
      tls: this.tls!,
      ...keys,
    });
  }

  /**
   * A new cluster's CA (made here, or the user's) and this first manager's certificate,
   * written to the data dir before the node serves anything.
   */
  private async newClusterCredentials(
    id: NodeIdentity,
    init: InitRequest,
  ): Promise<{ root: RootCA; material: Required<TlsMaterial>; certificate: NodeCertificate; kek: Buffer }> {
    const root = await clusterRoot(id.clusterId, init.ca);
    const { key, csr } = await newKeyAndRequest();
    const [{ issueCertificate }, { DEFAULT_NODE_CERT_EXPIRY_MS }] = await Promise.all([
      import('../manager/ca/certificates.js'),
      import('../manager/ca/authority.js'),
    ]);
    const subject = { id: id.nodeId, role: 'manager' as const, clusterId: id.clusterId };
    const { issued, info } = await issueCertificate(
      root,
      csr,
      subject,
      init.certExpiryMs ?? DEFAULT_NODE_CERT_EXPIRY_MS,
    );
    const material = { ...issued, key };
    const certs = paths(this.dataDir).certs;
    await writeTlsDir(certs, material);
    // The key-encryption key of the cluster's data key: kept here, or with autolock only by the user.
    const kek = newKey();
    await keepKek(certs, kek, init.autolock ?? false, key);
    return { root, material, certificate: info, kek };
  }

  /** The certificate the node got when it joined (or last renewed). */
  private nodeCredentials(): TlsMaterial {
    try {
      return readTlsDir(paths(this.dataDir).certs);
    } catch (err) {
      throw new FlotillaError(
        'NOT_FOUND',
        `${this.dataDir} holds no node certificate (a data dir from before mutual TLS?): join this node again. ${(err as Error).message}`,
      );
    }
  }

  /** Writes the new cluster into the store once this first manager leads its group of one. */
  private async initCluster(
    id: NodeIdentity,
    init: InitRequest,
    ca: { root: RootCA; certificate: NodeCertificate },
    keys: Keyring,
    dataKey: DataKey,
  ): Promise<void> {
    if (!id.etcd) await this.leadingAlone();
    const { initCluster } = await import('../manager/manager.js');
    await initCluster(this.store!, {
      clusterId: id.clusterId,
      nodeId: id.nodeId,
      addr: init.advertise,
      description: describeNode(id, this.runtimes(), false),
      heartbeatMs: init.heartbeatMs,
      nodeCertExpiryMs: init.certExpiryMs,
      raftId: id.raftId,
      rootCa: ca.root,
      certificate: ca.certificate,
      containerPool: init.containerPool ?? DEFAULT_CONTAINER_POOL,
      dataPathAddr: init.dataPathAddr,
      dataKey,
      keys,
    });
    await writeIdentity(this.dataDir, id);
  }

  /** Waits until this manager, alone in its group (new or forced), leads it. */
  private leadingAlone(): Promise<void> {
    const leadership = this.leadership!;
    return new Promise<void>((resolve, reject) => {
      const stop = leadership.subscribe((leading) => {
        if (!leading) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
      const timer = setTimeout(() => {
        stop();
        reject(new FlotillaError('TIMEOUT', 'this manager did not become the leader of its group of one'));
      }, 10_000);
    });
  }

  /**
   * Takes the role the managers gave this node: records it in the identity, then asks to be
   * restarted in it (tasks keep running across the restart and are adopted again).
   */
  private async changeRole(change: HeartbeatResponse): Promise<void> {
    const patch: Partial<NodeIdentity> =
      change.role === 'MANAGER'
        ? {
            role: 'MANAGER',
            raftId: change.raftId,
            raftPeers: change.raftMembers.filter((m) => m.id !== change.raftId),
          }
        : { role: 'WORKER', raftId: undefined, raftPeers: undefined };
    try {
      // A manager added to the group again under a new id starts its log afresh, as a
      // promoted worker does: the old log is of another member.
      const p = paths(this.dataDir);
      if (change.role === 'MANAGER' && this.identity?.role === 'MANAGER' && existsSync(p.raft)) {
        await rename(p.raft, `${p.raft}.replaced-${Date.now()}`);
      }
      await this.saveIdentity(patch);
      // A certificate for the new role; if none comes now, the restarted node asks again.
      await this.renewal
        ?.renewNow()
        .catch((err: unknown) =>
          this.log.warn({ err: describeError(err) }, 'no certificate for the new role yet'),
        );
      this.log.info({ role: change.role }, 'restarting in the role the managers gave this node');
      this.restartWanted();
    } catch (err) {
      this.log.error({ err }, 'could not record the new role; staying as is');
    }
  }

  /**
   * Leaves the cluster: every task stopped, then the daemon stops for good (`left`). A
   * manager leaves only with force: its group loses a member.
   */
  private async leave(force: boolean): Promise<LeaveResponse> {
    const identity = this.identity;
    if (!identity || !this.agent)
      throw new FlotillaError('UNAVAILABLE', 'this node is still starting; try again');
    if (identity.role === 'MANAGER' && !force) {
      throw new FlotillaError(
        'CONFLICT',
        `this node is a manager: demote it first (\`cluster node demote ${identity.hostname}\` on a manager), or leave with --force (the other managers lose a member of their group, and with too few left their quorum)`,
      );
    }
    this.abort.abort();
    const stoppedTasks = await this.agent.stopAll();
    this.log.info({ tasks: stoppedTasks }, 'left the cluster: every task stopped');
    setImmediate(() => this.leftDone());
    return { stoppedTasks };
  }

  /** Changes the identity on disk, one change after another so that none is lost. */
  private saveIdentity(patch: Partial<NodeIdentity>): Promise<void> {
    const write = this.identityWrites.then(async () => {
      const current = await readIdentity(this.dataDir);
      if (current) await writeIdentity(this.dataDir, { ...current, ...patch });
    });
    this.identityWrites = write.catch(() => undefined);
    return write;
  }

  private runtimes(): string[] {
    return this.drivers.map((d) => d.name);
  }

  /** Stops the daemon; tasks keep running and are adopted when it starts again. */
  async close(): Promise<void> {
    this.abort.abort();
    this.renewal?.close();
    this.hideMetrics?.();
    await this.metrics?.close();
    await this.dashboard?.close();
    await this.agentRun;
    await this.network?.close();
    this.bridgeServices?.close();
    await this.overlay?.close();
    await this.identityWrites;
    await this.leadership?.close();
    await this.manager?.close();
    await Promise.all(this.servers.map((s) => shutdown(s)));
    await Promise.all(this.drivers.map((d) => d.close()));
    await this.store?.close();
    await rm(paths(this.dataDir).socket, { force: true });
    await rm(paths(this.dataDir).pid, { force: true });
  }
}

/** A new cluster's root: made here, the user's with its key, or an external CA's. */
async function clusterRoot(clusterId: string, ca: InitRequest['ca']): Promise<RootCA> {
  const { externalRootCa, newRootCa, rootCa } = await import('../manager/ca/authority.js');
  if (!ca) return newRootCa(clusterId);
  const cert = await readFile(ca.certFile, 'utf8');
  if (ca.external) return externalRootCa(cert, ca.external);
  return rootCa(cert, await readFile(ca.keyFile!, 'utf8'));
}

/** A first manager's identity. */
function newManagerIdentity(init: InitRequest): NodeIdentity {
  const clusterId = newId();
  const base = {
    nodeId: newId(),
    clusterId,
    role: 'MANAGER' as const,
    listen: init.listen,
    advertise: init.advertise,
    hostname: init.hostname ?? osHostname(),
    managers: [init.advertise],
    genericResources: init.genericResources,
    engineLabels: init.engineLabels,
    containerdSocket: init.containerdSocket,
    containerNetwork: init.containerNetwork,
    socketGroup: init.socketGroup,
    maxImageSize: init.maxImageSize,
    // The first manager's slice of the pool is its first (initCluster records it so).
    containerSubnet: sliceOf(init.containerPool ?? DEFAULT_CONTAINER_POOL, 0),
    dataPathAddr: init.dataPathAddr,
    metricsAddr: init.metricsAddr,
    dashboardAddr: init.dashboardAddr,
  };
  return init.etcdEndpoints
    ? { ...base, etcd: { endpoints: init.etcdEndpoints, prefix: `/flotilla/${clusterId}/` } }
    : { ...base, raftId: randomInt(1, 2 ** 48) };
}

/** On a worker, every control call says where to go instead. */
function workerControl(): grpc.UntypedServiceImplementation {
  const why = () =>
    new FlotillaError(
      'UNAVAILABLE',
      'this node is a worker: run the command on a manager, or point at one with --host MANAGER_ADDR',
    );
  const refuse = unary(async () => {
    throw why();
  });
  const refuseStream = (stream: grpc.ServerWritableStream<unknown, unknown>) => failStream(stream, why());
  return Object.fromEntries(
    Object.entries(wire.flotilla.Control.service).map(([name, method]) => [
      name,
      method.responseStream ? refuseStream : refuse,
    ]),
  );
}

/** Where the node's overlay traffic arrives: its --data-path-addr, else its advertised address's IP. */
function underlayOf(identity: NodeIdentity): string {
  return (
    identity.dataPathAddr ??
    advertised(identity)
      .replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, '')
  );
}
