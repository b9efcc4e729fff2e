// Original file: proto/flotilla/types.proto

import type { UpdateStateInput as _flotilla_UpdateStateInput, UpdateState as _flotilla_UpdateState } from '../flotilla/UpdateState.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateStatusInput {
  'state'?: (_flotilla_UpdateStateInput);
  /**
   * When the update started or was last resumed: failures before it are not counted.
   */
  'startedAt'?: (number | string | Long);
  'completedAt'?: (number | string | Long);
  /**
   * Why it paused or rolled back, for people.
   */
  'message'?: (string);
  /**
   * Spec versions replaced and replacing.
   */
  'fromVersion'?: (number | string | Long);
  'toVersion'?: (number | string | Long);
  /**
   * Canaries run and the update waits for `service promote`.
   */
  'awaitingPromotion'?: (boolean);
  /**
   * The canaries were promoted (the update goes on through all slots).
   */
  'promoted'?: (boolean);
}

export interface UpdateStatus {
  'state': (_flotilla_UpdateState);
  /**
   * When the update started or was last resumed: failures before it are not counted.
   */
  'startedAt': (number);
  'completedAt': (number);
  /**
   * Why it paused or rolled back, for people.
   */
  'message': (string);
  /**
   * Spec versions replaced and replacing.
   */
  'fromVersion': (number);
  'toVersion': (number);
  /**
   * Canaries run and the update waits for `service promote`.
   */
  'awaitingPromotion': (boolean);
  /**
   * The canaries were promoted (the update goes on through all slots).
   */
  'promoted': (boolean);
}
