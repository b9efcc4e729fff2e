// Original file: proto/flotilla/dispatcher.proto

import type { AssignmentsInput as _flotilla_AssignmentsInput, Assignments as _flotilla_Assignments } from '../flotilla/Assignments.js';
import type { EndpointChangesInput as _flotilla_EndpointChangesInput, EndpointChanges as _flotilla_EndpointChanges } from '../flotilla/EndpointChanges.js';
import type { Long } from '@grpc/proto-loader';

export interface SessionMessageInput {
  'sessionId'?: (string);
  'heartbeatPeriodMs'?: (number | string | Long);
  'managers'?: (string)[];
  'assignments'?: (_flotilla_AssignmentsInput | null);
  /**
   * The cluster's service endpoints (published ports and the tasks behind them), when they changed.
   */
  'endpoints'?: (_flotilla_EndpointChangesInput | null);
}

export interface SessionMessage {
  'sessionId': (string);
  'heartbeatPeriodMs': (number);
  'managers': (string)[];
  'assignments': (_flotilla_Assignments | null);
  /**
   * The cluster's service endpoints (published ports and the tasks behind them), when they changed.
   */
  'endpoints'?: (_flotilla_EndpointChanges | null);
}
