/** `cluster init`, `cluster join`, `cluster daemon`: bringing a node up. */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExternalCA } from '../../proto/gen/flotilla/ExternalCA.js';
import { hostname as osHostname } from 'node:os';
import { Command } from 'commander';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import {
  advertised,
  advertisedAddress,
  daemonRunning,
  dataDirFrom,
  dataPathAddress,
  defaultRouteAddress,
  caChecks,
  describeNode,
  paths,
  parseContainerNetwork,
  parsePool,
  processAlive,
  readIdentity,
  socketGroupId,
  writeIdentity,
  writeTlsDir,
  type InitRequest,
} from '../../daemon/index.js';
import type { NodeCAClient } from '../../proto/gen/flotilla/NodeCA.js';
import type { NodeLocalClient } from '../../proto/gen/flotilla/NodeLocal.js';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import { fetchTrustedCa, TlsCredentials } from '../../proto/tls.js';
import { newKeyAndRequest } from '../../lib/pki.js';
import { collect, labels, parseDuration } from '../format.js';
import { unlockKeyNotice } from './autolock.js';
import { runDaemon, startInBackground } from '../daemon-process.js';
import { genericResources, parseBytes } from './service/flags/placement.js';

const ADDR = /^[^:\s]+:\d{1,5}$/;

const CONTAINERD_SOCKET = [
  '--containerd-socket <path>',
  'containerd socket for running images (default: /run/containerd/containerd.sock if it exists; "" for none)',
] as const;
const CONTAINER_NETWORK = [
  '--container-network <mode>',
  "how containerd's containers are networked: bridge (own namespaces on bridge flotilla0, 10.213.0.0/16), bridge:NAME:CIDR, or host",
] as const;
const ENGINE_LABEL = [
  '--engine-label <KEY=VALUE>',
  "a label of this node's runtime, matched by engine.labels.KEY constraints (repeatable)",
] as const;
const GENERIC_RESOURCE = [
  '--generic-resource <NAME=N>',
  'a named resource this node offers, e.g. gpu=2 (repeatable)',
] as const;
const SOCKET_GROUP = [
  '--socket-group <name>',
  "a group that may use the local control socket (cluster.sock in the data dir) besides the daemon's user",
] as const;
const ADVERTISE_ADDR_INIT = [
  '--advertise-addr <addr>',
  "address other nodes dial: IP[:PORT] or an interface (eth0[:PORT]) (default: --listen's address, or with the wildcard the default route interface's)",
] as const;
const ADVERTISE_ADDR_JOIN = [
  '--advertise-addr <addr>',
  "address other nodes dial: IP[:PORT] or an interface (eth0[:PORT]) (default: --listen's address, or with the wildcard the address that reaches the manager)",
] as const;
const DATA_PATH_ADDR = [
  '--data-path-addr <addr>',
  "where other nodes send this node's container traffic (the overlay): an IP or an interface (default: the advertised address)",
] as const;
const CERT_EXPIRY = [
  '--cert-expiry <duration>',
  'how long node certificates are valid; nodes renew theirs before the end (default: 90d)',
] as const;
const METRICS_ADDR = [
  '--metrics-addr <addr>',
  'where this node serves Prometheus metrics at /metrics, HOST:PORT, without authentication; "" for nowhere (default: the advertised address\'s host, port 9323)',
] as const;
const DASHBOARD_ADDR = [
  '--dashboard-addr <addr>',
  'where this node, while a manager, serves the web dashboard over HTTPS, HOST:PORT; "none" for nowhere (default: the advertised address\'s host, port 4280)',
] as const;
const MAX_IMAGE_SIZE = [
  '--max-image-size <size>',
  'the largest image archive `cluster image load` may send this node, e.g. 512M (default: 2G)',
] as const;

function checkAddr(flag: string, value: string): string {
  if (!ADDR.test(value))
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid ${flag}: expected HOST:PORT such as 127.0.0.1:4240, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** `--metrics-addr`: HOST:PORT, or "" to serve no metrics. */
function checkMetricsAddr(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? value : checkAddr('--metrics-addr', value);
}

/** `--dashboard-addr`: HOST:PORT, or "none" (or "") to serve no dashboard, kept as "". */
function checkDashboardAddr(value: string | undefined): string | undefined {
  if (value === 'none' || value === '') return '';
  return value === undefined ? value : checkAddr('--dashboard-addr', value);
}

function checkContainerNetwork(value: string | undefined): string | undefined {
  parseContainerNetwork(value);
  return value;
}

function checkMaxImageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseBytes('--max-image-size', value);
  if (bytes < 1) throw invalidArgument('--max-image-size', 'a size above 0', value);
  return bytes;
}

/** Creates the data dir for a new node; it must not hold one already. Returns a cleanup for failures. */
async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  await assertNoNode(dataDir);
  const existed = await readdir(dataDir).then(
    (entries) => entries.length > 0,
    () => false,
  );
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return existed ? async () => undefined : () => rm(dataDir, { recursive: true, force: true });
}

async function assertNoNode(dataDir: string): Promise<void> {
  if (await readIdentity(dataDir)) {
    throw new FlotillaError(
      'ALREADY_EXISTS',
      `${dataDir} already holds a node; restart it with \`cluster daemon --data-dir ${dataDir}\`, or pick another --data-dir`,
    );
  }
}

const ETCD_URL = /^https?:\/\/[^/\s:]+:\d{1,5}\/?$/;

/** The etcd endpoints for --store etcd, checked; undefined for the managers' own Raft store. */
function storeChoice(store: string, endpoints: string | undefined): string[] | undefined {
  if (store === 'raft') {
    if (endpoints) throw invalidArgument('--etcd-endpoints', 'only with --store etcd', endpoints);
    return undefined;
  }
  if (store !== 'etcd') throw invalidArgument('--store', 'raft or etcd', store);
  const urls = (endpoints ?? '').split(',').filter(Boolean);
  if (urls.length === 0)
    throw invalidArgument('--etcd-endpoints', 'with --store etcd, http://HOST:PORT[,...]');
  for (const url of urls) {
    if (!ETCD_URL.test(url)) throw invalidArgument('--etcd-endpoints', 'http://HOST:PORT[,...]', url);
  }
  return urls;
}

/** Restarts a stopped manager as a new cluster of one that keeps the state it had. */
async function forceNewCluster(dataDir: string, foreground: boolean): Promise<void> {
  const id = await readIdentity(dataDir);
  if (id?.role !== 'MANAGER') {
    throw new FlotillaError(
      'NOT_FOUND',
      `${dataDir} holds no manager; --force-new-cluster needs a manager's data dir`,
    );
  }
  if (daemonRunning(dataDir)) {
    throw new FlotillaError(
      'CONFLICT',
      `the node of ${dataDir} is running; stop it first (kill $(cat ${paths(dataDir).pid})), then run this again`,
    );
  }
  if (foreground) return runDaemon(dataDir, { forceNewCluster: true, foreground: true });
  await startInBackground(dataDir, ['--force-new-cluster']);
  console.log(`This manager now leads a new cluster of one manager, with the state it had; the old Raft log is kept beside ${paths(dataDir).raft}.
Add managers again with \`cluster join-token manager\`; the old ones must be given fresh data dirs to join.`);
}

/** Waits until the daemon of `pid` has exited. */
async function daemonGone(pid: number): Promise<void> {
  for (const deadline = Date.now() + 30_000; pid > 0 && processAlive(pid);) {
    if (Date.now() > deadline)
      throw new FlotillaError('TIMEOUT', `the daemon (pid ${pid}) did not stop; stop it by hand`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What made the data dir a node of a cluster; a manager's Raft log is kept aside. */
async function forgetNode(dataDir: string, manager: boolean): Promise<void> {
  const p = paths(dataDir);
  if (manager) await rename(p.raft, `${p.raft}.left-${Date.now()}`).catch(() => undefined);
  await rm(p.certs, { recursive: true, force: true });
  await rm(p.identity, { force: true });
}

/** Node certificates live at least a minute (renewed after half of it), at most 10 years. */
function checkCertExpiry(value: string): number {
  const ms = parseDuration('--cert-expiry', value);
  if (ms < 60_000 || ms > 10 * 365 * 24 * 3600_000) {
    throw invalidArgument('--cert-expiry', 'a duration from 1m to 3650d', value);
  }
  return ms;
}

/** The user's root CA: its certificate with its key, or with the external CA that signs for it. Checked here, with the reason. */
async function userCa(certFile?: string, keyFile?: string, externalCa?: string): Promise<InitRequest['ca']> {
  if (externalCa !== undefined) {
    if (!certFile)
      throw invalidArgument('--ca-cert', "the external CA's certificate (PEM), with --external-ca");
    if (keyFile)
      throw invalidArgument('--ca-key', 'nothing with --external-ca (the external CA keeps its key)');
    const external = await parseExternalCa(externalCa);
    (await caChecks()).externalRootCa(await readFile(certFile, 'utf8'), external);
    return { certFile: resolve(certFile), external };
  }
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw invalidArgument('--ca-cert and --ca-key', 'both, or neither');
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  await (await caChecks()).rootCa(cert, key);
  return { certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

/** `protocol=cfssl,url=https://HOST/api/v1/cfssl/sign[,cacert=FILE]`. */
async function parseExternalCa(value: string): Promise<ExternalCA> {
  const fields = labels('--external-ca', value.split(','));
  const expected = 'protocol=cfssl,url=http(s)://HOST:PORT/api/v1/cfssl/sign[,cacert=FILE]';
  const unknown = Object.keys(fields).filter((k) => !['protocol', 'url', 'cacert'].includes(k));
  if (fields.protocol !== 'cfssl' || !/^https?:\/\/\S+$/.test(fields.url ?? '') || unknown.length > 0) {
    throw invalidArgument('--external-ca', expected, value);
  }
  return { url: fields.url!, serverCa: fields.cacert ? await readFile(fields.cacert, 'utf8') : '' };
}

export function nodeLifecycleCommands(program: Command): void {
  program
    .command('init')
    .description('create a new cluster with this node as its manager')
    .option(
      '--data-dir <dir>',
      'where the node keeps its state (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)',
    )
    .option('--listen <addr>', 'address to listen on for nodes and the CLI', '0.0.0.0:4240')
    .option(...ADVERTISE_ADDR_INIT)
    .option(...DATA_PATH_ADDR)
    .option('--hostname <name>', 'the name this node goes by (default: the machine hostname)')
    .option(
      '--dispatcher-heartbeat <duration>',
      'how often workers send heartbeats (a node is down after three missed)',
      '1s',
    )
    .option('--store <store>', 'where the cluster state lives: raft (the managers keep it) or etcd', 'raft')
    .option('--etcd-endpoints <urls>', 'with --store etcd: the etcd cluster, as http://HOST:PORT,...')
    .option(...GENERIC_RESOURCE, collect, [])
    .option(...ENGINE_LABEL, collect, [])
    .option(...CONTAINERD_SOCKET)
    .option(...CONTAINER_NETWORK)
    .option(...SOCKET_GROUP)
    .option(...MAX_IMAGE_SIZE)
    .option(...CERT_EXPIRY)
    .option(...METRICS_ADDR)
    .option(...DASHBOARD_ADDR)
    .option(
      '--default-addr-pool <cidr>',
      "the pool every node's container subnet (a /24) comes from (default: 10.213.0.0/16)",
    )
    .option(
      '--ca-cert <file>',
      "the cluster's root CA: your own CA certificate (PEM; with --ca-key, or --external-ca)",
    )
    .option(
      '--external-ca <spec>',
      'an external CA signs node certificates: protocol=cfssl,url=URL[,cacert=FILE] (its sign API; with --ca-cert)',
    )
    .option(
      '--ca-key <file>',
      'the key of --ca-cert (PEM, PKCS#8 ECDSA P-256); the managers keep it in the store',
    )
    .option(
      '--force-new-cluster',
      'recover a stopped manager whose cluster lost its quorum: it restarts as the only manager, keeping the state',
    )
    .option(
      '--autolock',
      'the managers keep the key that opens secrets (and their own TLS keys) only in memory: a restarted manager waits for `cluster unlock` and the key printed now',
    )
    .option('--foreground', 'stay attached instead of running in the background')
    .action(
      async (o: {
        dataDir?: string;
        autolock?: boolean;
        listen: string;
        advertiseAddr?: string;
        dataPathAddr?: string;
        hostname?: string;
        dispatcherHeartbeat: string;
        store: string;
        etcdEndpoints?: string;
        genericResource: string[];
        engineLabel: string[];
        containerdSocket?: string;
        containerNetwork?: string;
        socketGroup?: string;
        maxImageSize?: string;
        certExpiry?: string;
        metricsAddr?: string;
        dashboardAddr?: string;
        defaultAddrPool?: string;
        caCert?: string;
        caKey?: string;
        externalCa?: string;
        forceNewCluster?: boolean;
        foreground?: boolean;
      }) => {
        const dataDir = dataDirFrom(o.dataDir);
        if (o.forceNewCluster) return forceNewCluster(dataDir, o.foreground ?? false);
        const generic = genericResources(o.genericResource);
        const engineLabels = labels('--engine-label', o.engineLabel);
        const etcdEndpoints = storeChoice(o.store, o.etcdEndpoints);
        const listen = checkAddr('--listen', o.listen);
        const advertise = advertisedAddress(listen, o.advertiseAddr, defaultRouteAddress);
        const dataPathAddr = o.dataPathAddr === undefined ? undefined : dataPathAddress(o.dataPathAddr);
        const heartbeat = parseDuration('--dispatcher-heartbeat', o.dispatcherHeartbeat);
        const containerNetwork = checkContainerNetwork(o.containerNetwork);
        const maxImageSize = checkMaxImageSize(o.maxImageSize);
        const certExpiryMs = o.certExpiry === undefined ? undefined : checkCertExpiry(o.certExpiry);
        const metricsAddr = checkMetricsAddr(o.metricsAddr);
        const dashboardAddr = checkDashboardAddr(o.dashboardAddr);
        const ca = await userCa(o.caCert, o.caKey, o.externalCa);
        if (o.defaultAddrPool !== undefined) parsePool(o.defaultAddrPool);
        await socketGroupId(o.socketGroup);
        const cleanup = await claimDataDir(dataDir);
        const init: InitRequest = {
          listen,
          advertise,
          hostname: o.hostname,
          heartbeatMs: heartbeat,
          etcdEndpoints,
          genericResources: generic,
          engineLabels,
          containerdSocket: o.containerdSocket,
          containerNetwork,
          socketGroup: o.socketGroup,
          maxImageSize,
          certExpiryMs,
          ca,
          containerPool: o.defaultAddrPool,
          dataPathAddr,
          autolock: o.autolock,
          metricsAddr,
          dashboardAddr,
        };
        if (o.foreground) return runDaemon(dataDir, { init, foreground: true });
        const id = await startInBackground(dataDir, ['--init', JSON.stringify(init)]).catch(
          async (err: unknown) => {
            await cleanup();
            throw err;
          },
        );
        const client = connect(wire.flotilla.Control, `unix:${paths(dataDir).socket}`);
        const tokens = await call(client, client.GetJoinTokens, {});
        const unlock = o.autolock ? await call(client, client.GetUnlockKey, {}) : undefined;
        client.close();
        console.log(`Cluster initialized: node ${id.nodeId} (${id.hostname}) is its manager, at ${advertised(id)}.

To add a worker to this cluster, run:

    cluster join --token ${tokens.tokens?.worker} ${advertised(id)}

To add a manager, run \`cluster join-token manager\` and follow the instructions.`);
        if (unlock) console.log(`\n${unlockKeyNotice(unlock.key)}`);
      },
    );

  program
    .command('join')
    .description('join a cluster, as a worker or a manager (the token says which)')
    .argument('<manager>', 'address of a manager, HOST:PORT')
    .requiredOption('--token <token>', 'join token (`cluster join-token worker` on a manager prints it)')
    .option(
      '--data-dir <dir>',
      'where the node keeps its state (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)',
    )
    .option('--listen <addr>', 'address to listen on', '0.0.0.0:4240')
    .option(...ADVERTISE_ADDR_JOIN)
    .option(...DATA_PATH_ADDR)
    .option('--hostname <name>', 'the name this node goes by (default: the machine hostname)')
    .option(...GENERIC_RESOURCE, collect, [])
    .option(...ENGINE_LABEL, collect, [])
    .option(...CONTAINERD_SOCKET)
    .option(...CONTAINER_NETWORK)
    .option(...SOCKET_GROUP)
    .option(...MAX_IMAGE_SIZE)
    .option(...METRICS_ADDR)
    .option(...DASHBOARD_ADDR)
    .option('--foreground', 'stay attached instead of running in the background')
    .action(
      async (
        manager: string,
        o: {
          token: string;
          dataDir?: string;
          listen: string;
          advertiseAddr?: string;
          dataPathAddr?: string;
          hostname?: string;
          genericResource: string[];
          engineLabel: string[];
          containerdSocket?: string;
          containerNetwork?: string;
          socketGroup?: string;
          maxImageSize?: string;
          metricsAddr?: string;
          dashboardAddr?: string;
          foreground?: boolean;
        },
      ) => {
        checkAddr('manager address', manager);
        const generic = genericResources(o.genericResource);
        const dataDir = dataDirFrom(o.dataDir);
        const listen = checkAddr('--listen', o.listen);
        const dataPathAddr = o.dataPathAddr === undefined ? undefined : dataPathAddress(o.dataPathAddr);
        await assertNoNode(dataDir);
        await socketGroupId(o.socketGroup);
        const node = {
          hostname: o.hostname ?? osHostname(),
          genericResources: generic,
          engineLabels: labels('--engine-label', o.engineLabel),
          ...(o.containerdSocket !== undefined && { containerdSocket: o.containerdSocket }),
          ...(o.containerNetwork !== undefined && {
            containerNetwork: checkContainerNetwork(o.containerNetwork),
          }),
          socketGroup: o.socketGroup,
          maxImageSize: checkMaxImageSize(o.maxImageSize),
          metricsAddr: checkMetricsAddr(o.metricsAddr),
          dashboardAddr: checkDashboardAddr(o.dashboardAddr),
        };
        // Nothing is sent to the manager before it has shown the CA the token names.
        const { parseJoinToken } = await caChecks();
        const { ca, localAddress } = await fetchTrustedCa(manager, parseJoinToken(o.token).digest);
        const advertise = advertisedAddress(listen, o.advertiseAddr, () => localAddress);
        const { key, csr } = await newKeyAndRequest();
        const client: NodeCAClient = connect(wire.flotilla.NodeCA, manager, new TlsCredentials({ ca }));
        const res = await call(client, client.Join, {
          token: o.token,
          addr: advertise,
          // The daemon reports its runtimes when its first session opens.
          description: describeNode(node, [], false),
          csr,
          dataPathAddr: dataPathAddr ?? '',
        }).finally(() => client.close());
        const cleanup = await claimDataDir(dataDir);
        await writeTlsDir(paths(dataDir).certs, { ...res.certificate!, key });
        const manages = res.role === 'MANAGER';
        await writeIdentity(dataDir, {
          nodeId: res.nodeId,
          clusterId: res.clusterId,
          role: manages ? 'MANAGER' : 'WORKER',
          listen,
          advertise,
          ...node,
          containerSubnet: res.containerSubnet,
          dataPathAddr,
          managers: res.managers.length ? res.managers : [manager],
          ...(manages && res.etcd ? { etcd: res.etcd } : {}),
          ...(manages && !res.etcd ? { raftId: res.raftId, raftPeers: res.raftMembers } : {}),
        });
        if (o.foreground) return runDaemon(dataDir, { foreground: true });
        const id = await startInBackground(dataDir, []).catch(async (err: unknown) => {
          await cleanup();
          throw err;
        });
        console.log(
          `This node joined the cluster as a ${manages ? 'manager' : 'worker'}: node ${id.nodeId} (${id.hostname}), at ${advertised(id)}.`,
        );
      },
    );

  program
    .command('leave')
    .description('stop every task of this node and leave the cluster (a manager only with --force)')
    .option('--data-dir <dir>', 'the node’s data dir (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)')
    .option('--force', 'leave though this node is a manager: the other managers lose a member of their group')
    .action(async (o: { dataDir?: string; force?: boolean }) => {
      const dataDir = dataDirFrom(o.dataDir);
      const id = await readIdentity(dataDir);
      if (!id) throw new FlotillaError('NOT_FOUND', `${dataDir} holds no node; nothing to leave`);
      const client: NodeLocalClient = connect(wire.flotilla.NodeLocal, `unix:${paths(dataDir).socket}`);
      const pid = Number(await readFile(paths(dataDir).pid, 'utf8').catch(() => '0'));
      const { stoppedTasks } = await call(client, client.Leave, { force: o.force ?? false }, 120_000).finally(
        () => client.close(),
      );
      await daemonGone(pid);
      await forgetNode(dataDir, id.role === 'MANAGER');
      console.log(
        `This node left the cluster (${stoppedTasks} task(s) stopped). The managers see it down: remove it there with \`cluster node rm ${id.hostname}\`. ${dataDir} can join a cluster again.`,
      );
    });
}
