// Original file: proto/flotilla/types.proto

import type { RestartConditionInput as _flotilla_RestartConditionInput, RestartCondition as _flotilla_RestartCondition } from '../flotilla/RestartCondition.js';
import type { Long } from '@grpc/proto-loader';

export interface RestartPolicyInput {
  'condition'?: (_flotilla_RestartConditionInput);
  'delayMs'?: (number | string | Long);
  /**
   * 0: unlimited.
   */
  'maxAttempts'?: (number | string | Long);
  /**
   * 0: attempts are counted over the whole life of the slot.
   */
  'windowMs'?: (number | string | Long);
}

export interface RestartPolicy {
  'condition': (_flotilla_RestartCondition);
  'delayMs': (number);
  /**
   * 0: unlimited.
   */
  'maxAttempts': (number);
  /**
   * 0: attempts are counted over the whole life of the slot.
   */
  'windowMs': (number);
}
