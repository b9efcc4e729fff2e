// Original file: proto/flotilla/control.proto


export interface RemoveConfigRequestInput {
  'config'?: (string);
}

export interface RemoveConfigRequest {
  'config': (string);
}
