// Original file: proto/flotilla/control.proto

import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';

export interface GetNodeResponseInput {
  'node'?: (_flotilla_NodeInput | null);
}

export interface GetNodeResponse {
  'node': (_flotilla_Node | null);
}
