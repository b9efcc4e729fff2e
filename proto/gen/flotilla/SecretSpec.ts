// Original file: proto/flotilla/types.proto


export interface SecretSpecInput {
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * The value as the user gives it at create; never in an answer.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface SecretSpec {
  'name': (string);
  'labels': ({[key: string]: string});
  /**
   * The value as the user gives it at create; never in an answer.
   */
  'data': (Buffer);
}
