// Original file: /work/main/proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from '../flotilla/ServiceSpec.js';
import type { EndpointInput as _flotilla_EndpointInput, Endpoint as _flotilla_Endpoint } from '../flotilla/Endpoint.js';
import type { Long } from '@grpc/proto-loader';

export interface ServiceInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_ServiceSpecInput | null);
  'previousSpec'?: (_flotilla_ServiceSpecInput | null);
  /**
   * Bumped on every spec change; tasks remember the version they were made from.
   */
  'specVersion'?: (number | string | Long);
  /**
   * The published ports as the allocator reserved them (every published port filled in).
   */
  'endpoint'?: (_flotilla_EndpointInput | null);
  '_endpoint'?: "endpoint";
}

export interface Service {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_ServiceSpec | null);
  'previousSpec': (_flotilla_ServiceSpec | null);
  /**
   * Bumped on every spec change; tasks remember the version they were made from.
   */
  'specVersion': (number);
  /**
   * The published ports as the allocator reserved them (every published port filled in).
   */
  'endpoint'?: (_flotilla_Endpoint | null);
  '_endpoint'?: "endpoint";
}
