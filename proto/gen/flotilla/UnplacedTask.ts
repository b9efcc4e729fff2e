// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface UnplacedTaskInput {
  'taskId'?: (string);
  /**
   * 0 for global tasks, which wait for room on their node.
   */
  'slot'?: (number | string | Long);
  'nodeId'?: (string);
  'reason'?: (string);
}

export interface UnplacedTask {
  'taskId': (string);
  /**
   * 0 for global tasks, which wait for room on their node.
   */
  'slot': (number);
  'nodeId': (string);
  'reason': (string);
}
