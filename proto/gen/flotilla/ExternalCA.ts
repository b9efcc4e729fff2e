// Original file: proto/flotilla/types.proto


/**
 * A signing service outside the cluster, speaking CFSSL's sign API.
 */
export interface ExternalCAInput {
  'url'?: (string);
  /**
   * PEM: the roots its HTTPS server is checked against ("" for the system's).
   */
  'serverCa'?: (string);
}

/**
 * A signing service outside the cluster, speaking CFSSL's sign API.
 */
export interface ExternalCA {
  'url': (string);
  /**
   * PEM: the roots its HTTPS server is checked against ("" for the system's).
   */
  'serverCa': (string);
}
