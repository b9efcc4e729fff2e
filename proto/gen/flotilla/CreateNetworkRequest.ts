// Original file: proto/flotilla/control.proto

import type { NetworkSpecInput as _flotilla_NetworkSpecInput, NetworkSpec as _flotilla_NetworkSpec } from '../flotilla/NetworkSpec.js';

export interface CreateNetworkRequestInput {
  'spec'?: (_flotilla_NetworkSpecInput | null);
}

export interface CreateNetworkRequest {
  'spec': (_flotilla_NetworkSpec | null);
}
