// Original file: proto/flotilla/node.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskLogsRequestInput {
  'taskId'?: (string);
  'follow'?: (boolean);
  /**
   * The last N lines; negative for all.
   */
  'tail'?: (number | string | Long);
  /**
   * Epoch ms; 0 for no limit.
   */
  'sinceMs'?: (number | string | Long);
}

export interface TaskLogsRequest {
  'taskId': (string);
  'follow': (boolean);
  /**
   * The last N lines; negative for all.
   */
  'tail': (number);
  /**
   * Epoch ms; 0 for no limit.
   */
  'sinceMs': (number);
}
