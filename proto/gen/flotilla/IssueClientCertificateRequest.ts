// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface IssueClientCertificateRequestInput {
  'csr'?: (string);
  /**
   * 0: the cluster's node certificate expiry.
   */
  'expiryMs'?: (number | string | Long);
}

export interface IssueClientCertificateRequest {
  'csr': (string);
  /**
   * 0: the cluster's node certificate expiry.
   */
  'expiryMs': (number);
}
