// Original file: /work/main/proto/flotilla/ca.proto

import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';

export interface JoinResponseInput {
  'nodeId'?: (string);
  'role'?: (_flotilla_NodeRoleInput);
  'clusterId'?: (string);
  /**
   * Addresses of the managers, for the node's session with the dispatcher.
   */
  'managers'?: (string)[];
}

export interface JoinResponse {
  'nodeId': (string);
  'role': (_flotilla_NodeRole);
  'clusterId': (string);
  /**
   * Addresses of the managers, for the node's session with the dispatcher.
   */
  'managers': (string)[];
}
