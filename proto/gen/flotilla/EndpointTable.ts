// Original file: proto/flotilla/types.proto

import type { ServiceEndpointsInput as _flotilla_ServiceEndpointsInput, ServiceEndpoints as _flotilla_ServiceEndpoints } from '../flotilla/ServiceEndpoints.js';

/**
 * Every service's endpoints, sent whole on each change (it is small: running tasks of published services).
 */
export interface EndpointTableInput {
  'services'?: (_flotilla_ServiceEndpointsInput)[];
}

/**
 * Every service's endpoints, sent whole on each change (it is small: running tasks of published services).
 */
export interface EndpointTable {
  'services': (_flotilla_ServiceEndpoints)[];
}
