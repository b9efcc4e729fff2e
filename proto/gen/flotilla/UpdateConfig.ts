// Original file: proto/flotilla/types.proto

import type { FailureActionInput as _flotilla_FailureActionInput, FailureAction as _flotilla_FailureAction } from '../flotilla/FailureAction.js';
import type { UpdateOrderInput as _flotilla_UpdateOrderInput, UpdateOrder as _flotilla_UpdateOrder } from '../flotilla/UpdateOrder.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateConfigInput {
  /**
   * Tasks replaced at once; 0: all at once.
   */
  'parallelism'?: (number | string | Long);
  /**
   * Wait after a replaced task runs before its worker takes the next one.
   */
  'delayMs'?: (number | string | Long);
  'failureAction'?: (_flotilla_FailureActionInput);
  /**
   * A task that fails within this time after it started running counts as failed.
   */
  'monitorMs'?: (number | string | Long);
  /**
   * Failures tolerated, as a share of the tasks to replace, before the failure action runs.
   */
  'maxFailureRatio'?: (number | string);
  'order'?: (_flotilla_UpdateOrderInput);
  /**
   * Tasks of the new spec started beside the old ones before the update waits for promotion.
   */
  'canary'?: (number | string | Long);
  /**
   * Promote the canaries once they have run `monitor` without failing.
   */
  'autoPromote'?: (boolean);
  /**
   * A unit whose new task has not run this long after it was made (or the update resumed)
   * pauses the update, with the task's reason; 0: the default, 10 minutes.
   */
  'timeoutMs'?: (number | string | Long);
}

export interface UpdateConfig {
  /**
   * Tasks replaced at once; 0: all at once.
   */
  'parallelism': (number);
  /**
   * Wait after a replaced task runs before its worker takes the next one.
   */
  'delayMs': (number);
  'failureAction': (_flotilla_FailureAction);
  /**
   * A task that fails within this time after it started running counts as failed.
   */
  'monitorMs': (number);
  /**
   * Failures tolerated, as a share of the tasks to replace, before the failure action runs.
   */
  'maxFailureRatio': (number);
  'order': (_flotilla_UpdateOrder);
  /**
   * Tasks of the new spec started beside the old ones before the update waits for promotion.
   */
  'canary': (number);
  /**
   * Promote the canaries once they have run `monitor` without failing.
   */
  'autoPromote': (boolean);
  /**
   * A unit whose new task has not run this long after it was made (or the update resumed)
   * pauses the update, with the task's reason; 0: the default, 10 minutes.
   */
  'timeoutMs': (number);
}
