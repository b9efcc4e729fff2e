// Original file: proto/flotilla/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftConfStateInput {
  'voters'?: (number | string | Long)[];
  'learners'?: (number | string | Long)[];
}

export interface RaftConfState {
  'voters': (number)[];
  'learners': (number)[];
}
