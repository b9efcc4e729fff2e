/** `cluster init`: a new cluster with this node as its manager; or, with --force-new-cluster, a manager recovered alone. */
import type { Command } from 'commander';
import {
  advertised,
  advertisedAddress,
  daemonRunning,
  dataDirFrom,
  dataPathAddress,
  defaultRouteAddress,
  paths,
  containerPoolValue,
  readIdentity,
  socketGroupId,
  type InitRequest,
} from '../../../daemon/index.js';
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { wire } from '../../../proto/load.js';
import { call, connect } from '../../../proto/rpc.js';
import { runDaemon, startInBackground } from '../../daemon-process.js';
import { parseDuration } from '../../format.js';
import { claimDataDir } from './data-dir.js';
import { userCa } from './init-ca.js';
import {
  addRuntimeOptions,
  checkAddr,
  DASHBOARD_ADDR,
  DATA_DIR,
  DATA_PATH_ADDR,
  FOREGROUND,
  HOSTNAME,
  METRICS_ADDR,
  nodeSettings,
  type NodeOptions,
} from './node-options.js';
import { unlockKeyNotice } from './unlock-key.js';

const ADVERTISE_ADDR_INIT = [
  '--advertise-addr <addr>',
  "address other nodes dial: IP[:PORT] or an interface (eth0[:PORT]) (default: --listen's address, or with the wildcard the default route interface's)",
] as const;
const CERT_EXPIRY = [
  '--cert-expiry <duration>',
  'how long node certificates are valid; nodes renew theirs before the end (default: 90d)',
] as const;

interface InitOptions extends NodeOptions {
  autolock?: boolean;
  dispatcherHeartbeat: string;
  store: string;
  etcdEndpoints?: string;
  certExpiry?: string;
  defaultAddrPool?: string;
  defaultAddrPoolMaskLength?: string;
  caCert?: string;
  caKey?: string;
  externalCa?: string;
  forceNewCluster?: boolean;
}

export function initCommand(program: Command): Command {
  const cmd = program
    .command('init')
    .description('create a new cluster with this node as its manager')
    .option(...DATA_DIR)
    .option('--listen <addr>', 'address to listen on for nodes and the CLI', '0.0.0.0:4240')
    .option(...ADVERTISE_ADDR_INIT)
    .option(...DATA_PATH_ADDR)
    .option(...HOSTNAME)
    .option(
      '--dispatcher-heartbeat <duration>',
      'how often workers send heartbeats (a node is down after three missed)',
      '1s',
    )
    .option('--store <store>', 'where the cluster state lives: raft (the managers keep it) or etcd', 'raft')
    .option('--etcd-endpoints <urls>', 'with --store etcd: the etcd cluster, as http://HOST:PORT,...');
  return addRuntimeOptions(cmd)
    .option(...CERT_EXPIRY)
    .option(...METRICS_ADDR)
    .option(...DASHBOARD_ADDR)
    .option(
      '--default-addr-pool <cidr>',
      "the pool every node's container subnet comes from, /8 to /28 (default: 10.64.0.0/10)",
    )
    .option(
      '--default-addr-pool-mask-length <n>',
      "the prefix length of each node's container subnet, from the pool's own to 28 (default: 24)",
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
    .option(...FOREGROUND)
    .action((o: InitOptions) => init(o));
}

/** Checks every option first, then starts the node's daemon on a new data dir and prints how to join. */
async function init(o: InitOptions): Promise<void> {
  const dataDir = dataDirFrom(o.dataDir);
  if (o.forceNewCluster) return forceNewCluster(dataDir, o.foreground ?? false);
  const node = nodeSettings(o);
  const etcdEndpoints = storeChoice(o.store, o.etcdEndpoints);
  const listen = checkAddr('--listen', o.listen);
  const advertise = advertisedAddress(listen, o.advertiseAddr, defaultRouteAddress);
  const dataPathAddr = o.dataPathAddr === undefined ? undefined : dataPathAddress(o.dataPathAddr);
  const heartbeat = parseDuration('--dispatcher-heartbeat', o.dispatcherHeartbeat);
  const certExpiryMs = o.certExpiry === undefined ? undefined : checkCertExpiry(o.certExpiry);
  const ca = await userCa(o.caCert, o.caKey, o.externalCa);
  const containerPool =
    o.defaultAddrPool === undefined && o.defaultAddrPoolMaskLength === undefined
      ? undefined
      : containerPoolValue(o.defaultAddrPool, o.defaultAddrPoolMaskLength);
  await socketGroupId(o.socketGroup);
  const cleanup = await claimDataDir(dataDir);
  const init: InitRequest = {
    listen,
    advertise,
    hostname: o.hostname,
    heartbeatMs: heartbeat,
    etcdEndpoints,
    ...node,
    certExpiryMs,
    ca,
    containerPool,
    dataPathAddr,
    autolock: o.autolock,
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

/** Node certificates live at least a minute (renewed after half of it), at most 10 years. */
function checkCertExpiry(value: string): number {
  const ms = parseDuration('--cert-expiry', value);
  if (ms < 60_000 || ms > 10 * 365 * 24 * 3600_000) {
    throw invalidArgument('--cert-expiry', 'a duration from 1m to 3650d', value);
  }
  return ms;
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
