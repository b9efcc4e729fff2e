// Original file: proto/flotilla/node.proto


export interface ListVolumesRequestInput {
  /**
   * Only this volume; empty for all.
   */
  'name'?: (string);
}

export interface ListVolumesRequest {
  /**
   * Only this volume; empty for all.
   */
  'name': (string);
}
