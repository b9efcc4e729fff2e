// Original file: proto/flotilla/raft.proto

import type { RaftMessageInput as _flotilla_RaftMessageInput, RaftMessage as _flotilla_RaftMessage } from '../flotilla/RaftMessage.js';

export interface RaftSnapshotChunkInput {
  'clusterId'?: (string);
  /**
   * Only in the first chunk.
   */
  'message'?: (_flotilla_RaftMessageInput | null);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftSnapshotChunk {
  'clusterId': (string);
  /**
   * Only in the first chunk.
   */
  'message': (_flotilla_RaftMessage | null);
  'data': (Buffer);
}
