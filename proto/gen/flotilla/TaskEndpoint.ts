// Original file: proto/flotilla/types.proto

import type { TaskPortInput as _flotilla_TaskPortInput, TaskPort as _flotilla_TaskPort } from '../flotilla/TaskPort.js';

export interface TaskEndpointInput {
  'taskId'?: (string);
  'nodeId'?: (string);
  'ports'?: (_flotilla_TaskPortInput)[];
}

export interface TaskEndpoint {
  'taskId': (string);
  'nodeId': (string);
  'ports': (_flotilla_TaskPort)[];
}
