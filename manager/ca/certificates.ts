/**
 * Certificates the managers issue: a node's at join and at each renewal (for its id and its
 * current role, recorded on the node for `node inspect`), and admin client certificates for
 * remote CLIs. The signing root and the expiry are the cluster's.
 */
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type CertRole, type CertSubject } from '../../lib/pki.js';
import type { IssuedCertificate } from '../../proto/gen/flotilla/IssuedCertificate.js';
import type { Cluster, Node, NodeCertificate, NodeRole, RootCA } from '../../proto/types.js';
import type { ReadTx, Store, WriteTx } from '../store/types.js';
import type { Keyring } from '../keys/keyring.js';
import { openJoinTokens, withJoinTokens } from './join-tokens.js';
import { open, seal } from '../../lib/seal.js';
import {
  DEFAULT_NODE_CERT_EXPIRY_MS,
  issueDescribed,
  nextRootCa,
  ROOT_EXPIRY_MS,
  settledRootCa,
} from './authority.js';

export const certRole = (role: NodeRole): CertRole => (role === 'MANAGER' ? 'manager' : 'worker');

export function clusterOf(tx: ReadTx): Cluster & { rootCa: NonNullable<Cluster['rootCa']> } {
  const cluster = tx.all('clusters')[0];
  if (!cluster?.rootCa) throw new FlotillaError('UNAVAILABLE', 'this manager has no cluster yet');
  return cluster as Cluster & { rootCa: NonNullable<Cluster['rootCa']> };
}

const caKeyContext = (clusterId: string) => `clusters/${clusterId}/ca-key`;

/** A root as the store keeps it: its key sealed by the cluster's data key (an external CA's has none). */
export function sealedRoot(root: RootCA, clusterId: string, dataKey: Buffer): RootCA {
  if (!root.key) return root;
  return { ...root, key: '', sealedKey: seal(dataKey, Buffer.from(root.key), caKeyContext(clusterId)) };
}

/** The cluster's root with its key opened, to sign with. */
export function signingRoot(tx: ReadTx, keys: Keyring): RootCA {
  const cluster = clusterOf(tx);
  const root = cluster.rootCa;
  if (!root.sealedKey.length) return root;
  const key = open(keys.dataKey(tx), root.sealedKey, caKeyContext(cluster.id));
  return { ...root, key: key.toString('utf8') };
}

/** How long the certificates the managers issue are valid. */
export const certExpiryOf = (cluster: Cluster) =>
  cluster.spec?.nodeCertExpiryMs || DEFAULT_NODE_CERT_EXPIRY_MS;

/** A certificate for `subject` from `root`, and what the node record keeps of it. */
export async function issueCertificate(
  root: RootCA,
  csr: string,
  subject: CertSubject,
  expiryMs: number,
): Promise<{ issued: IssuedCertificate; info: NodeCertificate }> {
  const { cert, expiresAtMs, issuer, serial } = await issueDescribed(root, csr, subject, { expiryMs });
  return { issued: { cert, ca: root.cert }, info: { expiresAtMs, issuer, serial, caDigest: root.digest } };
}

/** A node's certificate in `role`, under the cluster's root (`root`, its key opened) and expiry. */
export const nodeCertificate = (cluster: Cluster, root: RootCA, csr: string, id: string, role: NodeRole) =>
  issueCertificate(root, csr, { id, role: certRole(role), clusterId: cluster.id }, certExpiryOf(cluster));

/** A node's new certificate, in the role it has now. A removed node gets none. */
export async function renewCertificate(
  store: Store,
  keys: Keyring,
  nodeId: string,
  csr: string,
): Promise<IssuedCertificate> {
  const { cluster, root, node } = store.view((tx) => ({
    cluster: clusterOf(tx),
    root: signingRoot(tx, keys),
    node: tx.get('nodes', nodeId),
  }));
  if (!node) throw new FlotillaError('NODE_REMOVED', `node ${nodeId} is not in the cluster`);
  const { issued, info } = await nodeCertificate(cluster, root, csr, node.id, node.role);
  await store.update((tx) => {
    const current = tx.get('nodes', nodeId);
    if (current) tx.update('nodes', { ...current, certificate: info } satisfies Node);
    settleRotation(tx);
  });
  return issued;
}

/** An admin certificate for a remote CLI: it may do what the local socket may. */
export async function issueClientCertificate(
  store: Store,
  keys: Keyring,
  csr: string,
  expiryMs: number,
): Promise<IssuedCertificate> {
  // Longer than a root lives, the date would not even fit a certificate.
  if (!(Number.isSafeInteger(expiryMs) && expiryMs >= 0 && expiryMs <= ROOT_EXPIRY_MS)) {
    throw invalidArgument('expiry', "a duration ≥ 0 (0: the cluster's), at most 20 years", expiryMs);
  }
  const { cluster, root } = store.view((tx) => ({ cluster: clusterOf(tx), root: signingRoot(tx, keys) }));
  const subject = { id: `client-${newId().slice(0, 12)}`, role: 'admin' as const, clusterId: cluster.id };
  const { issued } = await issueCertificate(root, csr, subject, expiryMs || certExpiryOf(cluster));
  return issued;
}

/** Starts a rotation to a new root; the join tokens keep their secrets and name the new root. */
export async function rotateRootCa(store: Store, keys: Keyring): Promise<RootCA> {
  const before = store.view(clusterOf);
  if (before.rootCa.external) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `this cluster's certificates are signed by an external CA (${before.rootCa.external.url}); rotating it is not supported: rotate that CA's key there`,
    );
  }
  if (before.rootCa.crossSigned) {
    throw new FlotillaError(
      'CONFLICT',
      `a CA rotation is under way (${rotationProgress(store)}); wait for it to end`,
    );
  }
  const next = await nextRootCa(
    store.view((tx) => signingRoot(tx, keys)),
    before.id,
  );
  return store.update((tx) => {
    const cluster = clusterOf(tx);
    if (cluster.rootCa.digest !== before.rootCa.digest) {
      throw new FlotillaError('CONFLICT', 'the CA changed meanwhile; look again and retry');
    }
    const retoken = (token: string) => token.replace(before.rootCa.digest, next.digest);
    const dataKey = keys.dataKey(tx);
    const tokens = openJoinTokens(cluster, dataKey);
    const rotated = { ...cluster, rootCa: sealedRoot(next, cluster.id, dataKey) };
    tx.update(
      'clusters',
      withJoinTokens(rotated, { worker: retoken(tokens.worker), manager: retoken(tokens.manager) }, dataKey),
    );
    return next;
  });
}

/** How many nodes hold a certificate of the signing root. */
export function rotationProgress(store: Store): string {
  return store.view((tx) => {
    const digest = clusterOf(tx).rootCa.digest;
    const nodes = tx.all('nodes');
    return `${nodes.filter((n) => n.certificate?.caDigest === digest).length} of ${nodes.length} nodes moved`;
  });
}

/** Ends a rotation once every node holds a certificate of the new root: the old roots are no longer trusted. */
function settleRotation(tx: WriteTx): void {
  const cluster = clusterOf(tx);
  const root = cluster.rootCa;
  if (!root.crossSigned || !tx.all('nodes').every((n) => n.certificate?.caDigest === root.digest)) return;
  tx.update('clusters', { ...cluster, rootCa: settledRootCa(root) });
}

/** Whether a node was removed: its certificate is refused until it would have expired. */
export function wasRemoved(tx: ReadTx, nodeId: string): boolean {
  return tx.all('clusters')[0]?.removedNodes.some((r) => r.id === nodeId) ?? false;
}

/** The cluster's list of removed nodes with `node` added, and those whose certificates have expired dropped. */
export function withRemoved(cluster: Cluster, node: Node, now = Date.now()): Cluster {
  const expiresAtMs = node.certificate?.expiresAtMs || now + DEFAULT_NODE_CERT_EXPIRY_MS;
  return {
    ...cluster,
    removedNodes: [...cluster.removedNodes.filter((r) => r.expiresAtMs > now), { id: node.id, expiresAtMs }],
  };
}
