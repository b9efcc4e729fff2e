// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface RemovedNodeInput {
  'id'?: (string);
  /**
   * When the node's last certificate expires; after that it needs no refusing.
   */
  'expiresAtMs'?: (number | string | Long);
}

export interface RemovedNode {
  'id': (string);
  /**
   * When the node's last certificate expires; after that it needs no refusing.
   */
  'expiresAtMs': (number);
}
