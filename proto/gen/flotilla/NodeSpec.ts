// Original file: proto/flotilla/types.proto

import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';
import type { NodeAvailabilityInput as _flotilla_NodeAvailabilityInput, NodeAvailability as _flotilla_NodeAvailability } from '../flotilla/NodeAvailability.js';

export interface NodeSpecInput {
  'desiredRole'?: (_flotilla_NodeRoleInput);
  'availability'?: (_flotilla_NodeAvailabilityInput);
  'labels'?: ({[key: string]: string});
}

export interface NodeSpec {
  'desiredRole': (_flotilla_NodeRole);
  'availability': (_flotilla_NodeAvailability);
  'labels': ({[key: string]: string});
}
