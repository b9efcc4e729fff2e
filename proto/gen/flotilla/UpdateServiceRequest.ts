// Original file: proto/flotilla/control.proto

import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from '../flotilla/ServiceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateServiceRequestInput {
  'serviceId'?: (string);
  /**
   * The version the caller read; the update fails with a conflict if it changed since.
   */
  'version'?: (number | string | Long);
  'spec'?: (_flotilla_ServiceSpecInput | null);
}

export interface UpdateServiceRequest {
  'serviceId': (string);
  /**
   * The version the caller read; the update fails with a conflict if it changed since.
   */
  'version': (number);
  'spec': (_flotilla_ServiceSpec | null);
}
