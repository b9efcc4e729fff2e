// Original file: proto/flotilla/types.proto

import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from '../flotilla/ServiceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface SpecVersionInput {
  'version'?: (number | string | Long);
  'spec'?: (_flotilla_ServiceSpecInput | null);
  'createdAt'?: (number | string | Long);
}

export interface SpecVersion {
  'version': (number);
  'spec': (_flotilla_ServiceSpec | null);
  'createdAt': (number);
}
