// Original file: proto/flotilla/agent.proto


export interface LeaveResponseInput {
  'stoppedTasks'?: (number);
}

export interface LeaveResponse {
  'stoppedTasks': (number);
}
