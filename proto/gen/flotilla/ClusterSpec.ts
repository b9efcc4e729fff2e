// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterSpecInput {
  'name'?: (string);
  'heartbeatPeriodMs'?: (number | string | Long);
  /**
   * Old tasks kept per slot for `service ps`.
   */
  'taskHistoryLimit'?: (number | string | Long);
  /**
   * How long the node certificates the managers issue are valid; renewed before they end.
   */
  'nodeCertExpiryMs'?: (number | string | Long);
  /**
   * The pool every node's container subnet (a /24) is taken from.
   */
  'containerPool'?: (string);
}

export interface ClusterSpec {
  'name': (string);
  'heartbeatPeriodMs': (number);
  /**
   * Old tasks kept per slot for `service ps`.
   */
  'taskHistoryLimit': (number);
  /**
   * How long the node certificates the managers issue are valid; renewed before they end.
   */
  'nodeCertExpiryMs': (number);
  /**
   * The pool every node's container subnet (a /24) is taken from.
   */
  'containerPool': (string);
}
