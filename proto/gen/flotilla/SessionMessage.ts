// Original file: proto/flotilla/dispatcher.proto

import type { AssignmentsInput as _flotilla_AssignmentsInput, Assignments as _flotilla_Assignments } from '../flotilla/Assignments.js';
import type { EndpointTableInput as _flotilla_EndpointTableInput, EndpointTable as _flotilla_EndpointTable } from '../flotilla/EndpointTable.js';
import type { Long } from '@grpc/proto-loader';

export interface SessionMessageInput {
  'sessionId'?: (string);
  'heartbeatPeriodMs'?: (number | string | Long);
  'managers'?: (string)[];
  'assignments'?: (_flotilla_AssignmentsInput | null);
  /**
   * The cluster's service endpoints, when they changed (published ports and endpoints).
   */
  'endpoints'?: (_flotilla_EndpointTableInput | null);
  '_endpoints'?: "endpoints";
}

export interface SessionMessage {
  'sessionId': (string);
  'heartbeatPeriodMs': (number);
  'managers': (string)[];
  'assignments': (_flotilla_Assignments | null);
  /**
   * The cluster's service endpoints, when they changed (published ports and endpoints).
   */
  'endpoints'?: (_flotilla_EndpointTable | null);
  '_endpoints'?: "endpoints";
}
