// Original file: proto/flotilla/types.proto

import type { PortConfigInput as _flotilla_PortConfigInput, PortConfig as _flotilla_PortConfig } from '../flotilla/PortConfig.js';
import type { LoadBalancingInput as _flotilla_LoadBalancingInput, LoadBalancing as _flotilla_LoadBalancing } from '../flotilla/LoadBalancing.js';
import type { MeshModeInput as _flotilla_MeshModeInput, MeshMode as _flotilla_MeshMode } from '../flotilla/MeshMode.js';

export interface EndpointSpecInput {
  'ports'?: (_flotilla_PortConfigInput)[];
  'lb'?: (_flotilla_LoadBalancingInput);
  /**
   * Send a PROXY protocol (v1) header to the tasks so they learn the client's address.
   */
  'proxyProtocol'?: (boolean);
  'mesh'?: (_flotilla_MeshModeInput);
}

export interface EndpointSpec {
  'ports': (_flotilla_PortConfig)[];
  'lb': (_flotilla_LoadBalancing);
  /**
   * Send a PROXY protocol (v1) header to the tasks so they learn the client's address.
   */
  'proxyProtocol': (boolean);
  'mesh': (_flotilla_MeshMode);
}
