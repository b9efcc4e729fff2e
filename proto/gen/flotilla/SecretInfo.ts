// Original file: proto/flotilla/control.proto

import type { SecretInput as _flotilla_SecretInput, Secret as _flotilla_Secret } from '../flotilla/Secret.js';

export interface SecretInfoInput {
  'secret'?: (_flotilla_SecretInput | null);
  /**
   * The names of the services that use it.
   */
  'services'?: (string)[];
}

export interface SecretInfo {
  'secret': (_flotilla_Secret | null);
  /**
   * The names of the services that use it.
   */
  'services': (string)[];
}
