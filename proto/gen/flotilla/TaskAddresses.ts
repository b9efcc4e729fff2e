// Original file: proto/flotilla/types.proto

import type { TaskPortInput as _flotilla_TaskPortInput, TaskPort as _flotilla_TaskPort } from '../flotilla/TaskPort.js';

export interface TaskAddressesInput {
  'ports'?: (_flotilla_TaskPortInput)[];
}

export interface TaskAddresses {
  'ports': (_flotilla_TaskPort)[];
}
