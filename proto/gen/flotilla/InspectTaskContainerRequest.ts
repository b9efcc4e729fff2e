// Original file: proto/flotilla/node.proto


export interface InspectTaskContainerRequestInput {
  'taskId'?: (string);
}

export interface InspectTaskContainerRequest {
  'taskId': (string);
}
