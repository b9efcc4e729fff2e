// Original file: proto/flotilla/control.proto

import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';

export interface CreateServiceResponseInput {
  'service'?: (_flotilla_ServiceInput | null);
}

export interface CreateServiceResponse {
  'service': (_flotilla_Service | null);
}
