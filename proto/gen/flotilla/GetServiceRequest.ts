// Original file: proto/flotilla/control.proto


export interface GetServiceRequestInput {
  /**
   * Id, unique id prefix or name.
   */
  'service'?: (string);
}

export interface GetServiceRequest {
  /**
   * Id, unique id prefix or name.
   */
  'service': (string);
}
