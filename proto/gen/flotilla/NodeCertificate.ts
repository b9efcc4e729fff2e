// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a node proves itself with: its certificate names its id (CN), role (OU) and cluster (O).
 */
export interface NodeCertificateInput {
  'expiresAtMs'?: (number | string | Long);
  'issuer'?: (string);
  'serial'?: (string);
}

/**
 * What a node proves itself with: its certificate names its id (CN), role (OU) and cluster (O).
 */
export interface NodeCertificate {
  'expiresAtMs': (number);
  'issuer': (string);
  'serial': (string);
}
