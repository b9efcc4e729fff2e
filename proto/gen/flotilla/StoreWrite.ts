// Original file: proto/flotilla/store.proto

import type { StoreChangeInput as _flotilla_StoreChangeInput, StoreChange as _flotilla_StoreChange } from '../flotilla/StoreChange.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A write as a Raft log entry: checked and applied by every manager alike.
 */
export interface StoreWriteInput {
  'changes'?: (_flotilla_StoreChangeInput)[];
  /**
   * The proposer's clock, so that every manager stamps the same times.
   */
  'nowMs'?: (number | string | Long);
}

/**
 * A write as a Raft log entry: checked and applied by every manager alike.
 */
export interface StoreWrite {
  'changes': (_flotilla_StoreChange)[];
  /**
   * The proposer's clock, so that every manager stamps the same times.
   */
  'nowMs': (number);
}
