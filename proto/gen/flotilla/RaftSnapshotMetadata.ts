// Original file: proto/flotilla/raft.proto

import type { RaftConfStateInput as _flotilla_RaftConfStateInput, RaftConfState as _flotilla_RaftConfState } from '../flotilla/RaftConfState.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshotMetadataInput {
  'confState'?: (_flotilla_RaftConfStateInput | null);
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
}

export interface RaftSnapshotMetadata {
  'confState': (_flotilla_RaftConfState | null);
  'index': (number);
  'term': (number);
}
