// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Runs tasks to completion: total_completions in all, at most max_concurrent at a time.
 */
export interface ReplicatedJobInput {
  'maxConcurrent'?: (number | string | Long);
  'totalCompletions'?: (number | string | Long);
}

/**
 * Runs tasks to completion: total_completions in all, at most max_concurrent at a time.
 */
export interface ReplicatedJob {
  'maxConcurrent': (number);
  'totalCompletions': (number);
}
