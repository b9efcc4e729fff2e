// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { ClusterSpecInput as _flotilla_ClusterSpecInput, ClusterSpec as _flotilla_ClusterSpec } from '../flotilla/ClusterSpec.js';
import type { JoinTokensInput as _flotilla_JoinTokensInput, JoinTokens as _flotilla_JoinTokens } from '../flotilla/JoinTokens.js';

export interface ClusterInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_ClusterSpecInput | null);
  'joinTokens'?: (_flotilla_JoinTokensInput | null);
}

export interface Cluster {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_ClusterSpec | null);
  'joinTokens': (_flotilla_JoinTokens | null);
}
