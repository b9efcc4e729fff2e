// Original file: proto/flotilla/raft.proto

import type { RaftSnapshotMetadataInput as _flotilla_RaftSnapshotMetadataInput, RaftSnapshotMetadata as _flotilla_RaftSnapshotMetadata } from '../flotilla/RaftSnapshotMetadata.js';

export interface RaftSnapshotInput {
  'data'?: (Buffer | Uint8Array | string);
  'metadata'?: (_flotilla_RaftSnapshotMetadataInput | null);
}

export interface RaftSnapshot {
  'data': (Buffer);
  'metadata': (_flotilla_RaftSnapshotMetadata | null);
}
