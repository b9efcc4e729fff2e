/**
 * Join tokens and the Join call. A token is `FLT-1-<cluster id>-<secret>`: the cluster id
 * tells a node it reached the cluster it meant to; the secret says which role it may take.
 */
import { timingSafeEqual } from 'node:crypto';
import { FlotillaError } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import type { JoinRequest } from '../../proto/gen/flotilla/JoinRequest.js';
import type { EtcdStoreRef } from '../../proto/gen/flotilla/EtcdStoreRef.js';
import type { JoinResponse } from '../../proto/gen/flotilla/JoinResponse.js';
import type { Cluster, JoinTokens, Node, NodeRole } from '../../proto/types.js';
import type { ManagerGroup } from '../manager-group.js';
import type { Store } from '../store/types.js';

export function newJoinTokens(clusterId: string): JoinTokens {
  return { worker: `FLT-1-${clusterId}-${randomSecret()}`, manager: `FLT-1-${clusterId}-${randomSecret()}` };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function roleForToken(cluster: Cluster, token: string): NodeRole {
  const tokens = cluster.joinTokens;
  const parts = token.split('-');
  if (parts.length !== 4 || parts[0] !== 'FLT' || parts[1] !== '1') {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      'invalid join token: expected FLT-1-<cluster>-<secret>; print one with `cluster join-token worker` on a manager',
    );
  }
  if (parts[2] !== cluster.id) {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      'the join token is for another cluster; check the manager address and the token',
    );
  }
  if (tokens && same(token, tokens.worker)) return 'WORKER';
  if (tokens && same(token, tokens.manager)) return 'MANAGER';
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
}

export async function join(store: Store, req: JoinRequest, ctx: JoinContext): Promise<JoinResponse> {
  const cluster = store.view((tx) => tx.all('clusters')[0]);
  if (!cluster) throw new FlotillaError('UNAVAILABLE', 'this manager has no cluster yet');
  const role = roleForToken(cluster, req.token);
  if (role === 'MANAGER' && !ctx.group && !ctx.etcd) {
    throw new FlotillaError('INVALID_ARGUMENT', 'this manager cannot take more managers; join as a worker');
  }
  const raftId = role === 'MANAGER' && ctx.group ? ctx.group.newRaftId() : 0;
  const members = raftId ? await ctx.group!.admit(raftId, req.addr) : [];
  const node: Node = {
    id: newId(),
    meta: null,
    role,
    spec: { desiredRole: role, availability: 'ACTIVE', labels: {} },
    description: req.description,
    status: { state: 'UNKNOWN', message: 'joined; waiting for its first session', addr: req.addr },
    managerStatus:
      role === 'MANAGER' ? { raftId, addr: req.addr, leader: false, reachability: 'UNKNOWN' } : null,
  };
  await store.update((tx) => tx.create('nodes', node));
  return {
    nodeId: node.id,
    role,
    clusterId: cluster.id,
    managers: [...ctx.managers(), ...(role === 'MANAGER' ? [req.addr] : [])],
    raftId,
    raftMembers: members,
    etcd: role === 'MANAGER' ? (ctx.etcd ?? null) : null,
  };
}
