// Original file: proto/flotilla/types.proto

import type { PortConfigInput as _flotilla_PortConfigInput, PortConfig as _flotilla_PortConfig } from '../flotilla/PortConfig.js';
import type { LoadBalancingInput as _flotilla_LoadBalancingInput, LoadBalancing as _flotilla_LoadBalancing } from '../flotilla/LoadBalancing.js';
import type { TaskEndpointInput as _flotilla_TaskEndpointInput, TaskEndpoint as _flotilla_TaskEndpoint } from '../flotilla/TaskEndpoint.js';
import type { MeshModeInput as _flotilla_MeshModeInput, MeshMode as _flotilla_MeshMode } from '../flotilla/MeshMode.js';

/**
 * The running tasks of one service with published ports or overlay networks, as every node's
 * mesh and resolver see them.
 */
export interface ServiceEndpointsInput {
  'serviceId'?: (string);
  'serviceName'?: (string);
  'ports'?: (_flotilla_PortConfigInput)[];
  'lb'?: (_flotilla_LoadBalancingInput);
  'proxyProtocol'?: (boolean);
  'tasks'?: (_flotilla_TaskEndpointInput)[];
  'mesh'?: (_flotilla_MeshModeInput);
}

/**
 * The running tasks of one service with published ports or overlay networks, as every node's
 * mesh and resolver see them.
 */
export interface ServiceEndpoints {
  'serviceId': (string);
  'serviceName': (string);
  'ports': (_flotilla_PortConfig)[];
  'lb': (_flotilla_LoadBalancing);
  'proxyProtocol': (boolean);
  'tasks': (_flotilla_TaskEndpoint)[];
  'mesh': (_flotilla_MeshMode);
}
