// Original file: proto/flotilla/control.proto

import type { ConfigSpecInput as _flotilla_ConfigSpecInput, ConfigSpec as _flotilla_ConfigSpec } from '../flotilla/ConfigSpec.js';

export interface CreateConfigRequestInput {
  'spec'?: (_flotilla_ConfigSpecInput | null);
}

export interface CreateConfigRequest {
  'spec': (_flotilla_ConfigSpec | null);
}
