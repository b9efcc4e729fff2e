// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { ConfigSpecInput as _flotilla_ConfigSpecInput, ConfigSpec as _flotilla_ConfigSpec } from '../flotilla/ConfigSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A config: as a secret, but its value can be read back (`config inspect`).
 */
export interface ConfigInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_ConfigSpecInput | null);
  'sealed'?: (Buffer | Uint8Array | string);
  'size'?: (number | string | Long);
}

/**
 * A config: as a secret, but its value can be read back (`config inspect`).
 */
export interface Config {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_ConfigSpec | null);
  'sealed': (Buffer);
  'size': (number);
}
