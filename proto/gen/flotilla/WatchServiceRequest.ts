// Original file: proto/flotilla/control.proto


export interface WatchServiceRequestInput {
  /**
   * Id, unique id prefix or name.
   */
  'service'?: (string);
}

export interface WatchServiceRequest {
  /**
   * Id, unique id prefix or name.
   */
  'service': (string);
}
