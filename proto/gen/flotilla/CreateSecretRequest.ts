// Original file: proto/flotilla/control.proto

import type { SecretSpecInput as _flotilla_SecretSpecInput, SecretSpec as _flotilla_SecretSpec } from '../flotilla/SecretSpec.js';

export interface CreateSecretRequestInput {
  'spec'?: (_flotilla_SecretSpecInput | null);
  /**
   * When one of that name exists: answer it if its value is this one (nothing is written),
   * refuse if not (values never change). How `stack deploy` redeploys its secrets.
   */
  'existOk'?: (boolean);
  /**
   * Check only: nothing is written.
   */
  'validateOnly'?: (boolean);
}

export interface CreateSecretRequest {
  'spec': (_flotilla_SecretSpec | null);
  /**
   * When one of that name exists: answer it if its value is this one (nothing is written),
   * refuse if not (values never change). How `stack deploy` redeploys its secrets.
   */
  'existOk': (boolean);
  /**
   * Check only: nothing is written.
   */
  'validateOnly': (boolean);
}
