// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a node proves itself with: its certificate names its id (CN), role (OU) and cluster (O).
 */
export interface NodeCertificateInput {
  'expiresAtMs'?: (number | string | Long);
  'issuer'?: (string);
  'serial'?: (string);
  /**
   * The digest of the root that signed it (a CA rotation waits until every node has the new one's).
   */
  'caDigest'?: (string);
}

/**
 * What a node proves itself with: its certificate names its id (CN), role (OU) and cluster (O).
 */
export interface NodeCertificate {
  'expiresAtMs': (number);
  'issuer': (string);
  'serial': (string);
  /**
   * The digest of the root that signed it (a CA rotation waits until every node has the new one's).
   */
  'caDigest': (string);
}
