// Original file: proto/flotilla/control.proto


export interface GetNodeRequestInput {
  /**
   * Id, unique id prefix or hostname.
   */
  'node'?: (string);
}

export interface GetNodeRequest {
  /**
   * Id, unique id prefix or hostname.
   */
  'node': (string);
}
