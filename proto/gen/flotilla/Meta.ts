// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface MetaInput {
  /**
   * Store index of the write that last changed the object (optimistic concurrency).
   */
  'version'?: (number | string | Long);
  'createdAt'?: (number | string | Long);
  'updatedAt'?: (number | string | Long);
}

export interface Meta {
  /**
   * Store index of the write that last changed the object (optimistic concurrency).
   */
  'version': (number);
  'createdAt': (number);
  'updatedAt': (number);
}
