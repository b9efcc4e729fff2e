// Original file: proto/flotilla/node.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskLogLineInput {
  /**
   * "stdout" or "stderr"
   */
  'stream'?: (string);
  'line'?: (string);
  /**
   * When the node read the line (the runtimes keep no time per line).
   */
  'timeMs'?: (number | string | Long);
}

export interface TaskLogLine {
  /**
   * "stdout" or "stderr"
   */
  'stream': (string);
  'line': (string);
  /**
   * When the node read the line (the runtimes keep no time per line).
   */
  'timeMs': (number);
}
