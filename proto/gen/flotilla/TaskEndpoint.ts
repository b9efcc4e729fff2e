// Original file: proto/flotilla/types.proto

import type { TaskPortInput as _flotilla_TaskPortInput, TaskPort as _flotilla_TaskPort } from '../flotilla/TaskPort.js';

export interface TaskEndpointInput {
  'taskId'?: (string);
  'nodeId'?: (string);
  'ports'?: (_flotilla_TaskPortInput)[];
  /**
   * The task's address (without prefix) on each overlay network it joins, by network id.
   */
  'networkAddrs'?: ({[key: string]: string});
}

export interface TaskEndpoint {
  'taskId': (string);
  'nodeId': (string);
  'ports': (_flotilla_TaskPort)[];
  /**
   * The task's address (without prefix) on each overlay network it joins, by network id.
   */
  'networkAddrs': ({[key: string]: string});
}
