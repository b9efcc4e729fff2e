// Original file: proto/flotilla/types.proto

import type { ServiceEndpointsInput as _flotilla_ServiceEndpointsInput, ServiceEndpoints as _flotilla_ServiceEndpoints } from '../flotilla/ServiceEndpoints.js';

/**
 * Every service's endpoints: what a node's mesh and resolver work from.
 */
export interface EndpointTableInput {
  'services'?: (_flotilla_ServiceEndpointsInput)[];
}

/**
 * Every service's endpoints: what a node's mesh and resolver work from.
 */
export interface EndpointTable {
  'services': (_flotilla_ServiceEndpoints)[];
}
