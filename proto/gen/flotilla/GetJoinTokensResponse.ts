// Original file: proto/flotilla/control.proto

import type { JoinTokensInput as _flotilla_JoinTokensInput, JoinTokens as _flotilla_JoinTokens } from '../flotilla/JoinTokens.js';

export interface GetJoinTokensResponseInput {
  'tokens'?: (_flotilla_JoinTokensInput | null);
}

export interface GetJoinTokensResponse {
  'tokens': (_flotilla_JoinTokens | null);
}
