// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface HealthCheckInput {
  /**
   * Run with /bin/sh -c in the task's context; exit 0 is healthy.
   */
  'cmd'?: (string);
  'intervalMs'?: (number | string | Long);
  'timeoutMs'?: (number | string | Long);
  /**
   * Consecutive failures that make the task unhealthy.
   */
  'retries'?: (number);
  /**
   * Failures in this time after the start do not count.
   */
  'startPeriodMs'?: (number | string | Long);
}

export interface HealthCheck {
  /**
   * Run with /bin/sh -c in the task's context; exit 0 is healthy.
   */
  'cmd': (string);
  'intervalMs': (number);
  'timeoutMs': (number);
  /**
   * Consecutive failures that make the task unhealthy.
   */
  'retries': (number);
  /**
   * Failures in this time after the start do not count.
   */
  'startPeriodMs': (number);
}
