// Original file: proto/flotilla/raft.proto

import type { RaftMessageInput as _flotilla_RaftMessageInput, RaftMessage as _flotilla_RaftMessage } from '../flotilla/RaftMessage.js';

export interface RaftBatchInput {
  /**
   * Messages from another cluster are refused, so a stale address cannot mix two clusters.
   */
  'clusterId'?: (string);
  'messages'?: (_flotilla_RaftMessageInput)[];
}

export interface RaftBatch {
  /**
   * Messages from another cluster are refused, so a stale address cannot mix two clusters.
   */
  'clusterId': (string);
  'messages': (_flotilla_RaftMessage)[];
}
