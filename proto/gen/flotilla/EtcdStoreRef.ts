// Original file: proto/flotilla/ca.proto


export interface EtcdStoreRefInput {
  'endpoints'?: (string)[];
  /**
   * The key prefix the cluster's state lives under.
   */
  'prefix'?: (string);
}

export interface EtcdStoreRef {
  'endpoints': (string)[];
  /**
   * The key prefix the cluster's state lives under.
   */
  'prefix': (string);
}
