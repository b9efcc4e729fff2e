// Original file: proto/flotilla/control.proto


export interface RemoveNodeRequestInput {
  /**
   * Id, unique id prefix or hostname.
   */
  'node'?: (string);
  'force'?: (boolean);
}

export interface RemoveNodeRequest {
  /**
   * Id, unique id prefix or hostname.
   */
  'node': (string);
  'force': (boolean);
}
