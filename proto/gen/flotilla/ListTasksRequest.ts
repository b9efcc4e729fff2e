// Original file: proto/flotilla/control.proto


export interface ListTasksRequestInput {
  /**
   * Filters; empty matches all. Services and nodes are given by id, prefix or name.
   */
  'services'?: (string)[];
  'nodes'?: (string)[];
}

export interface ListTasksRequest {
  /**
   * Filters; empty matches all. Services and nodes are given by id, prefix or name.
   */
  'services': (string)[];
  'nodes': (string)[];
}
