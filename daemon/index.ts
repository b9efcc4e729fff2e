/**
 * The daemon's public entry, what the CLI uses of a node: its data dir and identity, its
 * certificates, what it reports of itself, and the checks `cluster init` and `join` make
 * before a daemon starts (the daemon's own, so a mistake is refused before the node goes to
 * the background). The Daemon class itself is loaded on demand (`import()` in
 * cli/daemon-process.ts), so the other commands go without the node's code.
 */
export {
  advertised,
  daemonRunning,
  dataDirFrom,
  paths,
  processAlive,
  readIdentity,
  writeIdentity,
  type NodeIdentity,
  type NodeSettings,
} from './data-dir.js';
export { readTlsDir, writeTlsDir } from './tls-dir.js';
export { describeNode, VERSION } from './description.js';
export { advertisedAddress, dataPathAddress, defaultRouteAddress } from './advertise.js';
export { socketGroupId } from './permissions.js';
export type { Daemon, InitRequest, StartOptions } from './daemon.js';
export { containerPoolValue, parsePool } from '../manager/allocator/subnets.js';
export { parseContainerNetwork } from '../runtime/container-network.js';

/**
 * What `init` checks of a user's CA and `join` of a token, loaded on demand: the CA's code
 * brings the certificate library, which a running node needs only to make or sign a
 * certificate (the daemon's process loads this entry too).
 */
export async function caChecks() {
  const [{ externalRootCa, rootCa }, { parseJoinToken }] = await Promise.all([
    import('../manager/ca/authority.js'),
    import('../manager/ca/join.js'),
  ]);
  return { externalRootCa, rootCa, parseJoinToken };
}
