// Original file: proto/flotilla/control.proto


export interface RemoveServiceRequestInput {
  'service'?: (string);
}

export interface RemoveServiceRequest {
  'service': (string);
}
