// Original file: proto/flotilla/types.proto

import type { ServiceEndpointsInput as _flotilla_ServiceEndpointsInput, ServiceEndpoints as _flotilla_ServiceEndpoints } from '../flotilla/ServiceEndpoints.js';

/**
 * What changed in the endpoint table since the last changes sent on a session; the whole
 * table (`full`) when a session opens. A service in `services` replaces its entry.
 */
export interface EndpointChangesInput {
  'full'?: (boolean);
  'services'?: (_flotilla_ServiceEndpointsInput)[];
  'removedServiceIds'?: (string)[];
}

/**
 * What changed in the endpoint table since the last changes sent on a session; the whole
 * table (`full`) when a session opens. A service in `services` replaces its entry.
 */
export interface EndpointChanges {
  'full': (boolean);
  'services': (_flotilla_ServiceEndpoints)[];
  'removedServiceIds': (string)[];
}
