// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface RollbackServiceRequestInput {
  /**
   * Id, unique id prefix or name.
   */
  'service'?: (string);
  /**
   * A version from the service's history; 0: the previous spec.
   */
  'toVersion'?: (number | string | Long);
}

export interface RollbackServiceRequest {
  /**
   * Id, unique id prefix or name.
   */
  'service': (string);
  /**
   * A version from the service's history; 0: the previous spec.
   */
  'toVersion': (number);
}
