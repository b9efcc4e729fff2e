// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { NetworkSpecInput as _flotilla_NetworkSpecInput, NetworkSpec as _flotilla_NetworkSpec } from '../flotilla/NetworkSpec.js';

/**
 * A user-defined overlay network: containers of services attached to it reach each other
 * across nodes by address and by service name.
 */
export interface NetworkInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_NetworkSpecInput | null);
  'vni'?: (number);
}

/**
 * A user-defined overlay network: containers of services attached to it reach each other
 * across nodes by address and by service name.
 */
export interface Network {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_NetworkSpec | null);
  'vni': (number);
}
