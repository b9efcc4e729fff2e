// Original file: proto/flotilla/ca.proto


export interface IssuedCertificateInput {
  /**
   * PEM: the certificate, and the roots to trust.
   */
  'cert'?: (string);
  'ca'?: (string);
}

export interface IssuedCertificate {
  /**
   * PEM: the certificate, and the roots to trust.
   */
  'cert': (string);
  'ca': (string);
}
