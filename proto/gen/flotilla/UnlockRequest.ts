// Original file: proto/flotilla/control.proto


export interface UnlockRequestInput {
  'key'?: (string);
}

export interface UnlockRequest {
  'key': (string);
}
