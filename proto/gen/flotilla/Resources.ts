// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ResourcesInput {
  'nanoCpus'?: (number | string | Long);
  'memoryBytes'?: (number | string | Long);
  /**
   * Processes (cgroup pids limit); used in limits only.
   */
  'pids'?: (number | string | Long);
}

export interface Resources {
  'nanoCpus': (number);
  'memoryBytes': (number);
  /**
   * Processes (cgroup pids limit); used in limits only.
   */
  'pids': (number);
}
