// Original file: proto/flotilla/control.proto

import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from '../flotilla/Task.js';
import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';

export interface ListTasksResponseInput {
  'tasks'?: (_flotilla_TaskInput)[];
  /**
   * The nodes the tasks name, so callers can show hostnames.
   */
  'nodes'?: (_flotilla_NodeInput)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListTasksResponse {
  'tasks': (_flotilla_Task)[];
  /**
   * The nodes the tasks name, so callers can show hostnames.
   */
  'nodes': (_flotilla_Node)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
