// Original file: proto/flotilla/agent.proto


export interface RemoveVolumeRequestInput {
  'name'?: (string);
}

export interface RemoveVolumeRequest {
  'name': (string);
}
