// Original file: /work/main/proto/flotilla/dispatcher.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponseInput {
  'periodMs'?: (number | string | Long);
}

export interface HeartbeatResponse {
  'periodMs': (number);
}
