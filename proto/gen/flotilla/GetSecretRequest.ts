// Original file: proto/flotilla/control.proto


export interface GetSecretRequestInput {
  /**
   * Id, unique id prefix or name.
   */
  'secret'?: (string);
}

export interface GetSecretRequest {
  /**
   * Id, unique id prefix or name.
   */
  'secret': (string);
}
