// Original file: proto/flotilla/node.proto


export interface LeaveResponseInput {
  'stoppedTasks'?: (number);
}

export interface LeaveResponse {
  'stoppedTasks': (number);
}
