// Original file: proto/flotilla/types.proto

import type { NodeStateInput as _flotilla_NodeStateInput, NodeState as _flotilla_NodeState } from '../flotilla/NodeState.js';

export interface NodeStatusInput {
  'state'?: (_flotilla_NodeStateInput);
  'message'?: (string);
  /**
   * Address the node's daemon listens on (host:port).
   */
  'addr'?: (string);
}

export interface NodeStatus {
  'state': (_flotilla_NodeState);
  'message': (string);
  /**
   * Address the node's daemon listens on (host:port).
   */
  'addr': (string);
}
