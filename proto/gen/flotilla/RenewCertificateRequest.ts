// Original file: proto/flotilla/ca.proto


export interface RenewCertificateRequestInput {
  'csr'?: (string);
}

export interface RenewCertificateRequest {
  'csr': (string);
}
