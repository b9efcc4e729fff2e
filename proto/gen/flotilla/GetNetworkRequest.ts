// Original file: proto/flotilla/control.proto


export interface GetNetworkRequestInput {
  /**
   * Id, unique id prefix or name.
   */
  'network'?: (string);
}

export interface GetNetworkRequest {
  /**
   * Id, unique id prefix or name.
   */
  'network': (string);
}
