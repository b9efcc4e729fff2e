// Original file: proto/flotilla/control.proto

import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';
import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from '../flotilla/Task.js';
import type { Long } from '@grpc/proto-loader';

export interface ServiceStateInput {
  'service'?: (_flotilla_ServiceInput | null);
  'tasks'?: (_flotilla_TaskInput)[];
  /**
   * As in ServiceSummary: replicas, completions, or the nodes a global service may run on.
   */
  'desiredTasks'?: (number | string | Long);
}

export interface ServiceState {
  'service': (_flotilla_Service | null);
  'tasks': (_flotilla_Task)[];
  /**
   * As in ServiceSummary: replicas, completions, or the nodes a global service may run on.
   */
  'desiredTasks': (number);
}
