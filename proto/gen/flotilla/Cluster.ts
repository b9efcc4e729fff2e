// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { ClusterSpecInput as _flotilla_ClusterSpecInput, ClusterSpec as _flotilla_ClusterSpec } from '../flotilla/ClusterSpec.js';
import type { JoinTokensInput as _flotilla_JoinTokensInput, JoinTokens as _flotilla_JoinTokens } from '../flotilla/JoinTokens.js';
import type { RootCAInput as _flotilla_RootCAInput, RootCA as _flotilla_RootCA } from '../flotilla/RootCA.js';
import type { RemovedNodeInput as _flotilla_RemovedNodeInput, RemovedNode as _flotilla_RemovedNode } from '../flotilla/RemovedNode.js';
import type { DataKeyInput as _flotilla_DataKeyInput, DataKey as _flotilla_DataKey } from '../flotilla/DataKey.js';

export interface ClusterInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_ClusterSpecInput | null);
  'joinTokens'?: (_flotilla_JoinTokensInput | null);
  'rootCa'?: (_flotilla_RootCAInput | null);
  /**
   * Nodes removed from the cluster, whose certificates are refused until they expire.
   */
  'removedNodes'?: (_flotilla_RemovedNodeInput)[];
  /**
   * The key that seals secret and config values, the CA's key and the join tokens in the store.
   */
  'dataKey'?: (_flotilla_DataKeyInput | null);
  /**
   * The join tokens (a JoinTokens message), sealed by the data key; `join_tokens` is then empty.
   */
  'sealedJoinTokens'?: (Buffer | Uint8Array | string);
}

export interface Cluster {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_ClusterSpec | null);
  'joinTokens': (_flotilla_JoinTokens | null);
  'rootCa': (_flotilla_RootCA | null);
  /**
   * Nodes removed from the cluster, whose certificates are refused until they expire.
   */
  'removedNodes': (_flotilla_RemovedNode)[];
  /**
   * The key that seals secret and config values, the CA's key and the join tokens in the store.
   */
  'dataKey': (_flotilla_DataKey | null);
  /**
   * The join tokens (a JoinTokens message), sealed by the data key; `join_tokens` is then empty.
   */
  'sealedJoinTokens': (Buffer);
}
