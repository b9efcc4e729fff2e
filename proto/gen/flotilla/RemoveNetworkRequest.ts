// Original file: proto/flotilla/control.proto


export interface RemoveNetworkRequestInput {
  'network'?: (string);
}

export interface RemoveNetworkRequest {
  'network': (string);
}
