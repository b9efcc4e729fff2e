// Original file: proto/flotilla/control.proto

import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';

export interface UpdateNodeResponseInput {
  'node'?: (_flotilla_NodeInput | null);
}

export interface UpdateNodeResponse {
  'node': (_flotilla_Node | null);
}
