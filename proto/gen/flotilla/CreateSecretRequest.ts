// Original file: proto/flotilla/control.proto

import type { SecretSpecInput as _flotilla_SecretSpecInput, SecretSpec as _flotilla_SecretSpec } from '../flotilla/SecretSpec.js';

export interface CreateSecretRequestInput {
  'spec'?: (_flotilla_SecretSpecInput | null);
}

export interface CreateSecretRequest {
  'spec': (_flotilla_SecretSpec | null);
}
