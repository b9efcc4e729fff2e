// Original file: proto/flotilla/control.proto


export interface PromoteServiceRequestInput {
  'service'?: (string);
}

export interface PromoteServiceRequest {
  'service': (string);
}
