// Original file: proto/flotilla/dispatcher.proto

import type { TaskStatusInput as _flotilla_TaskStatusInput, TaskStatus as _flotilla_TaskStatus } from '../flotilla/TaskStatus.js';

export interface TaskStatusUpdateInput {
  'taskId'?: (string);
  'status'?: (_flotilla_TaskStatusInput | null);
}

export interface TaskStatusUpdate {
  'taskId': (string);
  'status': (_flotilla_TaskStatus | null);
}
