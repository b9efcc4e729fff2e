// Original file: /work/main/proto/flotilla/dispatcher.proto

import type { AssignmentsInput as _flotilla_AssignmentsInput, Assignments as _flotilla_Assignments } from '../flotilla/Assignments.js';
import type { Long } from '@grpc/proto-loader';

export interface SessionMessageInput {
  'sessionId'?: (string);
  'heartbeatPeriodMs'?: (number | string | Long);
  'managers'?: (string)[];
  'assignments'?: (_flotilla_AssignmentsInput | null);
}

export interface SessionMessage {
  'sessionId': (string);
  'heartbeatPeriodMs': (number);
  'managers': (string)[];
  'assignments': (_flotilla_Assignments | null);
}
