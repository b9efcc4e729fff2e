// Original file: proto/flotilla/node.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskContainerInput {
  'runtime'?: (string);
  'id'?: (string);
  'image'?: (string);
  /**
   * created, running or exited
   */
  'state'?: (string);
  'pid'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  'startedAtMs'?: (number | string | Long);
  'exited'?: (boolean);
  'exitCode'?: (number);
  'exitSignal'?: (string);
  'finishedAtMs'?: (number | string | Long);
  'cpuSeconds'?: (number | string);
  'memoryBytes'?: (number | string | Long);
  'labels'?: ({[key: string]: string});
}

export interface TaskContainer {
  'runtime': (string);
  'id': (string);
  'image': (string);
  /**
   * created, running or exited
   */
  'state': (string);
  'pid': (number);
  'createdAtMs': (number);
  'startedAtMs': (number);
  'exited': (boolean);
  'exitCode': (number);
  'exitSignal': (string);
  'finishedAtMs': (number);
  'cpuSeconds': (number);
  'memoryBytes': (number);
  'labels': ({[key: string]: string});
}
