// Original file: proto/flotilla/control.proto

import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';

export interface ListNodesResponseInput {
  'nodes'?: (_flotilla_NodeInput)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListNodesResponse {
  'nodes': (_flotilla_Node)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
