// Original file: proto/flotilla/dispatcher.proto


export interface SecretValueInput {
  'id'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface SecretValue {
  'id': (string);
  'data': (Buffer);
}
