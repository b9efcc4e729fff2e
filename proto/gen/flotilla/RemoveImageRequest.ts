// Original file: proto/flotilla/agent.proto


export interface RemoveImageRequestInput {
  'name'?: (string);
}

export interface RemoveImageRequest {
  'name': (string);
}
