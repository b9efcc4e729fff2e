/**
 * Certificates the managers issue: a node's at join and at each renewal (for its id and its
 * current role, recorded on the node for `node inspect`), and admin client certificates for
 * remote CLIs. The signing root and the expiry are the cluster's.
 */
import { FlotillaError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { describeCert, type CertRole } from '../../lib/pki.js';
import type { IssuedCertificate } from '../../proto/gen/flotilla/IssuedCertificate.js';
import type { Cluster, Node, NodeCertificate, NodeRole } from '../../proto/types.js';
import type { ReadTx, Store } from '../store/types.js';
import { DEFAULT_NODE_CERT_EXPIRY_MS, issue } from './authority.js';

export const certRole = (role: NodeRole): CertRole => (role === 'MANAGER' ? 'manager' : 'worker');

export function clusterOf(tx: ReadTx): Cluster & { rootCa: NonNullable<Cluster['rootCa']> } {
  const cluster = tx.all('clusters')[0];
  if (!cluster?.rootCa) throw new FlotillaError('UNAVAILABLE', 'this manager has no cluster yet');
  return cluster as Cluster & { rootCa: NonNullable<Cluster['rootCa']> };
}

/** A certificate for `id` in `role`, and what the node record keeps of it. */
export async function issueCertificate(
  cluster: Cluster,
  csr: string,
  id: string,
  role: CertRole,
  expiryMs = cluster.spec?.nodeCertExpiryMs || DEFAULT_NODE_CERT_EXPIRY_MS,
): Promise<{ issued: IssuedCertificate; info: NodeCertificate }> {
  const rootCa = cluster.rootCa!;
  const cert = await issue(rootCa, csr, { id, role, clusterId: cluster.id }, { expiryMs });
  const { expiresAtMs, issuer, serial } = describeCert(cert);
  return { issued: { cert, ca: rootCa.cert }, info: { expiresAtMs, issuer, serial } };
}

/** A node's new certificate, in the role it has now. A removed node gets none. */
export async function renewCertificate(
  store: Store,
  nodeId: string,
  csr: string,
): Promise<IssuedCertificate> {
  const { cluster, node } = store.view((tx) => ({ cluster: clusterOf(tx), node: tx.get('nodes', nodeId) }));
  if (!node) throw new FlotillaError('NODE_REMOVED', `node ${nodeId} is not in the cluster`);
  const { issued, info } = await issueCertificate(cluster, csr, node.id, certRole(node.role));
  await store.update((tx) => {
    const current = tx.get('nodes', nodeId);
    if (current) tx.update('nodes', { ...current, certificate: info } satisfies Node);
  });
  return issued;
}

/** An admin certificate for a remote CLI: it may do what the local socket may. */
export async function issueClientCertificate(
  store: Store,
  csr: string,
  expiryMs: number,
): Promise<IssuedCertificate> {
  if (expiryMs < 0)
    throw new FlotillaError('INVALID_ARGUMENT', 'invalid expiry: expected a positive duration');
  const cluster = store.view(clusterOf);
  const { issued } = await issueCertificate(
    cluster,
    csr,
    `client-${newId().slice(0, 12)}`,
    'admin',
    expiryMs || undefined,
  );
  return issued;
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
