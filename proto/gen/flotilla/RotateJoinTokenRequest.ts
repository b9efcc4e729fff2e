// Original file: proto/flotilla/control.proto

import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';

export interface RotateJoinTokenRequestInput {
  'role'?: (_flotilla_NodeRoleInput);
}

export interface RotateJoinTokenRequest {
  'role': (_flotilla_NodeRole);
}
