// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ContainerStatusInput {
  'containerId'?: (string);
  'pid'?: (number | string | Long);
  'exitCode'?: (number | string | Long);
}

export interface ContainerStatus {
  'containerId': (string);
  'pid': (number);
  'exitCode': (number);
}
