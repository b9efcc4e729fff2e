// Original file: proto/flotilla/control.proto


export interface GetConfigRequestInput {
  'config'?: (string);
}

export interface GetConfigRequest {
  'config': (string);
}
