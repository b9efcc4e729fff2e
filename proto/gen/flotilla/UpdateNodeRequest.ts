// Original file: proto/flotilla/control.proto

import type { NodeSpecInput as _flotilla_NodeSpecInput, NodeSpec as _flotilla_NodeSpec } from '../flotilla/NodeSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateNodeRequestInput {
  'nodeId'?: (string);
  /**
   * The version the caller read; the update fails with a conflict if it changed since.
   */
  'version'?: (number | string | Long);
  'spec'?: (_flotilla_NodeSpecInput | null);
}

export interface UpdateNodeRequest {
  'nodeId': (string);
  /**
   * The version the caller read; the update fails with a conflict if it changed since.
   */
  'version': (number);
  'spec': (_flotilla_NodeSpec | null);
}
