// Original file: proto/flotilla/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftEntryInput {
  'type'?: (number);
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftEntry {
  'type': (number);
  'term': (number);
  'index': (number);
  'data': (Buffer);
}
