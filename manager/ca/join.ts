/**
 * Join tokens and the Join call. A token is `FLT-1-<CA digest>-<secret>`: the digest lets a
 * joining node check that the manager it reached holds the cluster's CA before it sends
 * anything; the secret says which role it may take. The node's certificate, for a key it
 * made itself, comes back with the answer.
 */
import { timingSafeEqual } from 'node:crypto';
import { FlotillaError } from '../../lib/errors.js';
import { idOf, randomSecret } from '../../lib/ids.js';
import type { JoinRequest } from '../../proto/gen/flotilla/JoinRequest.js';
import type { EtcdStoreRef } from '../../proto/gen/flotilla/EtcdStoreRef.js';
import type { JoinResponse } from '../../proto/gen/flotilla/JoinResponse.js';
import type { Cluster, JoinTokens, Node, NodeRole } from '../../proto/types.js';
import type { ManagerGroup } from '../membership/index.js';
import type { Store } from '../store/types.js';
import { clusterOf, nodeCertificate, signingRoot } from './certificates.js';
import { openJoinTokens } from './join-tokens.js';
import { requestedKey } from './requests.js';
import { joinWritesOf } from './join-writes.js';
import type { Keyring } from '../keys/keyring.js';

const token = (digest: string) => `FLT-1-${digest}-${randomSecret()}`;

export function newJoinTokens(caDigest: string): JoinTokens {
  return { worker: token(caDigest), manager: token(caDigest) };
}

/** The tokens with a new secret for `role`: the old token is refused from then on. */
export function rotateJoinToken(cluster: Cluster, tokens: JoinTokens, role: NodeRole): JoinTokens {
  const fresh = token(cluster.rootCa!.digest);
  return role === 'MANAGER' ? { ...tokens, manager: fresh } : { ...tokens, worker: fresh };
}

/** The parts of a token: the CA digest it names, checked by the joining node before anything is sent. */
export function parseJoinToken(value: string): { digest: string } {
  const parts = value.split('-');
  if (parts.length !== 4 || parts[0] !== 'FLT' || parts[1] !== '1' || !parts[2] || !parts[3]) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      'invalid join token: expected FLT-1-<CA digest>-<secret>; print one with `cluster join-token worker` on a manager',
    );
  }
  return { digest: parts[2] };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function roleForToken(cluster: Cluster, tokens: JoinTokens, value: string): NodeRole {
  const { digest } = parseJoinToken(value);
  if (digest !== cluster.rootCa?.digest) {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      "the join token names another cluster's CA; check the manager address and the token",
    );
  }
  if (same(value, tokens.worker)) return 'WORKER';
  if (same(value, tokens.manager)) return 'MANAGER';
  throw new FlotillaError(
    'PERMISSION_DENIED',
    'the join token is not valid (it may have been rotated); print the current one with `cluster join-token worker` on a manager',
  );
}

export interface JoinContext {
  /** Addresses of the managers, for the node's sessions. */
  managers: () => string[];
  /** The Raft group, when the store is the embedded one. */
  group?: ManagerGroup;
  /** Where the state is, when it is kept in etcd: a joining manager opens it there. */
  etcd?: EtcdStoreRef;
  /** Opens the CA's key to sign with. */
  keys: Keyring;
}

export async function join(store: Store, req: JoinRequest, ctx: JoinContext): Promise<JoinResponse> {
  const { cluster, root, tokens } = store.view((tx) => {
    const cluster = clusterOf(tx);
    return {
      cluster,
      root: signingRoot(tx, ctx.keys),
      tokens: openJoinTokens(cluster, ctx.keys.dataKey(tx)),
    };
  });
  const role = roleForToken(cluster, tokens, req.token);
  if (role === 'MANAGER' && !ctx.group && !ctx.etcd) {
    throw new FlotillaError('INVALID_ARGUMENT', 'this manager cannot take more managers; join as a worker');
  }
  // A node's id (and a manager's Raft id) come from the key it asks to have certified, so a
  // join made again after its answer was lost (an election under it) finds the node it made.
  const { spki } = requestedKey(req.csr);
  const id = idOf(spki);
  const known = store.view((tx) => tx.get('nodes', id));
  if (known && known.role !== role) {
    throw new FlotillaError(
      'CONFLICT',
      `this key already joined as a ${known.role.toLowerCase()}; make a new key to join as a ${role.toLowerCase()}`,
    );
  }
  // Signed before anything is written: a request that is not a valid CSR changes nothing.
  const { issued, info } = await nodeCertificate(cluster, root, req.csr, id, role);
  const raftId = role === 'MANAGER' && ctx.group ? ctx.group.admission.raftIdFor(spki) : 0;
  const members = raftId ? await ctx.group!.admission.admit(raftId, req.addr) : [];
  const made: Omit<Node, 'containerSubnet'> = {
    id,
    meta: null,
    role,
    spec: { desiredRole: role, availability: 'ACTIVE', labels: {} },
    description: req.description,
    status: { state: 'UNKNOWN', message: 'joined; waiting for its first session', addr: req.addr },
    managerStatus:
      role === 'MANAGER' ? { raftId, addr: req.addr, leader: false, reachability: 'UNKNOWN' } : null,
    certificate: info,
    dataPathAddr: req.dataPathAddr,
  };
  // Written with the joins that arrive meanwhile, each with a container subnet of its own.
  const node = await joinWritesOf(store).admit(made);
  return {
    nodeId: node.id,
    role,
    clusterId: cluster.id,
    managers: [...ctx.managers(), ...(role === 'MANAGER' ? [req.addr] : [])],
    raftId,
    raftMembers: members,
    etcd: role === 'MANAGER' ? (ctx.etcd ?? null) : null,
    certificate: issued,
    containerSubnet: node.containerSubnet,
  };
}
