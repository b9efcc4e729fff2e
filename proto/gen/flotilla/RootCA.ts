// Original file: proto/flotilla/types.proto

import type { ExternalCAInput as _flotilla_ExternalCAInput, ExternalCA as _flotilla_ExternalCA } from '../flotilla/ExternalCA.js';

/**
 * The cluster's certificate authority. Never leaves the managers.
 */
export interface RootCAInput {
  /**
   * PEM: the certificate that signs, and the roots every node trusts (the signing one first).
   */
  'cert'?: (string);
  /**
   * PEM of the signing key; empty when it is sealed (`sealed_key`, under the data key).
   */
  'key'?: (string);
  /**
   * sha256 of the signing certificate, as join tokens carry it.
   */
  'digest'?: (string);
  /**
   * While a rotation is under way: the signing root's certificate signed by the root before
   * it, sent after each certificate issued, so that nodes that trust only the old root accept it.
   */
  'crossSigned'?: (string);
  /**
   * Set when an external CA signs (`--external-ca`): the managers hold no key then.
   */
  'external'?: (_flotilla_ExternalCAInput | null);
  'sealedKey'?: (Buffer | Uint8Array | string);
}

/**
 * The cluster's certificate authority. Never leaves the managers.
 */
export interface RootCA {
  /**
   * PEM: the certificate that signs, and the roots every node trusts (the signing one first).
   */
  'cert': (string);
  /**
   * PEM of the signing key; empty when it is sealed (`sealed_key`, under the data key).
   */
  'key': (string);
  /**
   * sha256 of the signing certificate, as join tokens carry it.
   */
  'digest': (string);
  /**
   * While a rotation is under way: the signing root's certificate signed by the root before
   * it, sent after each certificate issued, so that nodes that trust only the old root accept it.
   */
  'crossSigned': (string);
  /**
   * Set when an external CA signs (`--external-ca`): the managers hold no key then.
   */
  'external': (_flotilla_ExternalCA | null);
  'sealedKey': (Buffer);
}
