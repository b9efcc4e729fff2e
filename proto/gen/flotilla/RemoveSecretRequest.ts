// Original file: proto/flotilla/control.proto


export interface RemoveSecretRequestInput {
  'secret'?: (string);
}

export interface RemoveSecretRequest {
  'secret': (string);
}
