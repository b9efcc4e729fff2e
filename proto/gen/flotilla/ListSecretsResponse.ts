// Original file: proto/flotilla/control.proto

import type { SecretInfoInput as _flotilla_SecretInfoInput, SecretInfo as _flotilla_SecretInfo } from '../flotilla/SecretInfo.js';

export interface ListSecretsResponseInput {
  'secrets'?: (_flotilla_SecretInfoInput)[];
}

export interface ListSecretsResponse {
  'secrets': (_flotilla_SecretInfo)[];
}
