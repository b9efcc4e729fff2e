// Original file: proto/flotilla/dispatcher.proto

import type { NodeDescriptionInput as _flotilla_NodeDescriptionInput, NodeDescription as _flotilla_NodeDescription } from '../flotilla/NodeDescription.js';

export interface SessionRequestInput {
  'nodeId'?: (string);
  'description'?: (_flotilla_NodeDescriptionInput | null);
  'addr'?: (string);
}

export interface SessionRequest {
  'nodeId': (string);
  'description': (_flotilla_NodeDescription | null);
  'addr': (string);
}
