// Original file: proto/flotilla/control.proto

import type { ConfigSpecInput as _flotilla_ConfigSpecInput, ConfigSpec as _flotilla_ConfigSpec } from '../flotilla/ConfigSpec.js';

export interface CreateConfigRequestInput {
  'spec'?: (_flotilla_ConfigSpecInput | null);
  /**
   * As for secrets.
   */
  'existOk'?: (boolean);
  'validateOnly'?: (boolean);
}

export interface CreateConfigRequest {
  'spec': (_flotilla_ConfigSpec | null);
  /**
   * As for secrets.
   */
  'existOk': (boolean);
  'validateOnly': (boolean);
}
