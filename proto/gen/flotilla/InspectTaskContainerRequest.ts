// Original file: proto/flotilla/agent.proto


export interface InspectTaskContainerRequestInput {
  'taskId'?: (string);
}

export interface InspectTaskContainerRequest {
  'taskId': (string);
}
