// Original file: proto/flotilla/types.proto

import type { PortConfigInput as _flotilla_PortConfigInput, PortConfig as _flotilla_PortConfig } from '../flotilla/PortConfig.js';

export interface EndpointInput {
  'ports'?: (_flotilla_PortConfigInput)[];
}

export interface Endpoint {
  'ports': (_flotilla_PortConfig)[];
}
