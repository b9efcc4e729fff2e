// Original file: proto/flotilla/dispatcher.proto

import type { TaskStatusUpdateInput as _flotilla_TaskStatusUpdateInput, TaskStatusUpdate as _flotilla_TaskStatusUpdate } from '../flotilla/TaskStatusUpdate.js';

export interface UpdateTaskStatusRequestInput {
  'nodeId'?: (string);
  'sessionId'?: (string);
  'updates'?: (_flotilla_TaskStatusUpdateInput)[];
}

export interface UpdateTaskStatusRequest {
  'nodeId': (string);
  'sessionId': (string);
  'updates': (_flotilla_TaskStatusUpdate)[];
}
