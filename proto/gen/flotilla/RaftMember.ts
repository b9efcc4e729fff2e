// Original file: proto/flotilla/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A member of the Raft group and where its peers reach it.
 */
export interface RaftMemberInput {
  'id'?: (number | string | Long);
  'address'?: (string);
}

/**
 * A member of the Raft group and where its peers reach it.
 */
export interface RaftMember {
  'id': (number);
  'address': (string);
}
