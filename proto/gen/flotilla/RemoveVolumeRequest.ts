// Original file: proto/flotilla/node.proto


export interface RemoveVolumeRequestInput {
  'name'?: (string);
}

export interface RemoveVolumeRequest {
  'name': (string);
}
