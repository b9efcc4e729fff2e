/** `cluster join`: this node joins a cluster, as a worker or a manager (the token says which). */
import type { Command } from 'commander';
import { hostname as osHostname } from 'node:os';
import {
  advertised,
  advertisedAddress,
  caChecks,
  dataDirFrom,
  dataPathAddress,
  describeNode,
  paths,
  socketGroupId,
  writeIdentity,
  writeTlsDir,
} from '../../../daemon/index.js';
import { describeError } from '../../../lib/errors.js';
import { newKeyAndRequest } from '../../../lib/pki.js';
import type { NodeCAClient } from '../../../proto/gen/flotilla/NodeCA.js';
import { wire } from '../../../proto/load.js';
import { retryJoin } from '../../../proto/join-retry.js';
import { call, connect } from '../../../proto/rpc.js';
import { fetchTrustedCa, TlsCredentials } from '../../../proto/tls.js';
import { runDaemon, startInBackground } from '../../daemon-process.js';
import { assertNoNode, claimDataDir } from './data-dir.js';
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

/** How long a join goes on being made again while the managers elect a leader or restart. */
const JOIN_RETRY_MS = 60_000;

const ADVERTISE_ADDR_JOIN = [
  '--advertise-addr <addr>',
  "address other nodes dial: IP[:PORT] or an interface (eth0[:PORT]) (default: --listen's address, or with the wildcard the address that reaches the manager)",
] as const;

interface JoinOptions extends NodeOptions {
  token: string;
}

export function joinCommand(program: Command): Command {
  const cmd = program
    .command('join')
    .description('join a cluster, as a worker or a manager (the token says which)')
    .argument('<manager>', 'address of a manager, HOST:PORT')
    .requiredOption('--token <token>', 'join token (`cluster join-token worker` on a manager prints it)')
    .option(...DATA_DIR)
    .option('--listen <addr>', 'address to listen on', '0.0.0.0:4240')
    .option(...ADVERTISE_ADDR_JOIN)
    .option(...DATA_PATH_ADDR)
    .option(...HOSTNAME);
  return addRuntimeOptions(cmd)
    .option(...METRICS_ADDR)
    .option(...DASHBOARD_ADDR)
    .option(...FOREGROUND)
    .action((manager: string, o: JoinOptions) => join(manager, o));
}

/** Checks the options, joins through the manager, then writes the node's identity and starts its daemon. */
async function join(manager: string, o: JoinOptions): Promise<void> {
  checkAddr('manager address', manager);
  const settings = nodeSettings(o);
  const dataDir = dataDirFrom(o.dataDir);
  const listen = checkAddr('--listen', o.listen);
  const dataPathAddr = o.dataPathAddr === undefined ? undefined : dataPathAddress(o.dataPathAddr);
  await assertNoNode(dataDir);
  await socketGroupId(o.socketGroup);
  const node = { hostname: o.hostname ?? osHostname(), ...settings };
  // Nothing is sent to the manager before it has shown the CA the token names.
  const { parseJoinToken } = await caChecks();
  const { ca, localAddress } = await fetchTrustedCa(manager, parseJoinToken(o.token).digest);
  const advertise = advertisedAddress(listen, o.advertiseAddr, () => localAddress);
  const { key, csr } = await newKeyAndRequest();
  const client: NodeCAClient = connect(wire.flotilla.NodeCA, manager, new TlsCredentials({ ca }));
  const request = {
    token: o.token,
    addr: advertise,
    // The daemon reports its runtimes when its first session opens.
    description: describeNode(node, [], false),
    csr,
    dataPathAddr: dataPathAddr ?? '',
  };
  const res = await retryJoin(() => call(client, client.Join, request), {
    forMs: JOIN_RETRY_MS,
    onRetry: (err, waitMs) =>
      console.error(
        `The join was not taken yet (${describeError(err)}); trying again in ${waitMs / 1000} s.`,
      ),
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
}
