// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterSpecInput {
  'name'?: (string);
  'heartbeatPeriodMs'?: (number | string | Long);
  /**
   * Old tasks kept per slot for `service ps`.
   */
  'taskHistoryLimit'?: (number | string | Long);
}

export interface ClusterSpec {
  'name': (string);
  'heartbeatPeriodMs': (number);
  /**
   * Old tasks kept per slot for `service ps`.
   */
  'taskHistoryLimit': (number);
}
