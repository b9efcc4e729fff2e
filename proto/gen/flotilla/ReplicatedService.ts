// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicatedServiceInput {
  'replicas'?: (number | string | Long);
}

export interface ReplicatedService {
  'replicas': (number);
}
