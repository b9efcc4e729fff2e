/**
 * The join tokens as the store keeps them: sealed by the cluster's data key, since a manager
 * token is a way into the cluster (and to its keys) for whoever reads it.
 */
import { FlotillaError } from '../../lib/errors.js';
import { open, seal } from '../../lib/seal.js';
import { codec } from '../../proto/load.js';
import type { Cluster, JoinTokens } from '../../proto/types.js';

const tokensCodec = codec<JoinTokens>('flotilla.JoinTokens');
const context = (clusterId: string) => `clusters/${clusterId}/join-tokens`;

/** The cluster's join tokens, opened with the data key. */
export function openJoinTokens(cluster: Cluster, dataKey: Buffer): JoinTokens {
  if (cluster.sealedJoinTokens.length > 0) {
    return tokensCodec.decode(open(dataKey, cluster.sealedJoinTokens, context(cluster.id)));
  }
  if (cluster.joinTokens) return cluster.joinTokens;
  throw new FlotillaError('UNAVAILABLE', 'this manager has no cluster yet');
}

/** The cluster with `tokens` as its join tokens, sealed. */
export function withJoinTokens(cluster: Cluster, tokens: JoinTokens, dataKey: Buffer): Cluster {
  return {
    ...cluster,
    joinTokens: null,
    sealedJoinTokens: seal(dataKey, tokensCodec.encode(tokens), context(cluster.id)),
  };
}
