// Original file: proto/flotilla/control.proto

import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from '../flotilla/ServiceSpec.js';

export interface CreateServiceRequestInput {
  'spec'?: (_flotilla_ServiceSpecInput | null);
}

export interface CreateServiceRequest {
  'spec': (_flotilla_ServiceSpec | null);
}
