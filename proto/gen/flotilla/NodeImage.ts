// Original file: proto/flotilla/node.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeImageInput {
  'name'?: (string);
  'digest'?: (string);
  'size'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
}

export interface NodeImage {
  'name': (string);
  'digest': (string);
  'size': (number);
  'createdAtMs': (number);
}
