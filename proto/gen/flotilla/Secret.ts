// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { SecretSpecInput as _flotilla_SecretSpecInput, SecretSpec as _flotilla_SecretSpec } from '../flotilla/SecretSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A secret: a value tasks receive and nobody reads back. Its value is sealed in the store
 * (AES-256-GCM under the cluster's data key) and sent only to the nodes whose tasks use it.
 */
export interface SecretInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_SecretSpecInput | null);
  /**
   * The value, sealed; `spec.data` is empty in the store.
   */
  'sealed'?: (Buffer | Uint8Array | string);
  'size'?: (number | string | Long);
}

/**
 * A secret: a value tasks receive and nobody reads back. Its value is sealed in the store
 * (AES-256-GCM under the cluster's data key) and sent only to the nodes whose tasks use it.
 */
export interface Secret {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_SecretSpec | null);
  /**
   * The value, sealed; `spec.data` is empty in the store.
   */
  'sealed': (Buffer);
  'size': (number);
}
