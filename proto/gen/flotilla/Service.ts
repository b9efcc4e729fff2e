// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from '../flotilla/ServiceSpec.js';
import type { UpdateStatusInput as _flotilla_UpdateStatusInput, UpdateStatus as _flotilla_UpdateStatus } from '../flotilla/UpdateStatus.js';
import type { SpecVersionInput as _flotilla_SpecVersionInput, SpecVersion as _flotilla_SpecVersion } from '../flotilla/SpecVersion.js';
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
   * Where the rolling update (or rollback) to the current spec stands.
   */
  'updateStatus'?: (_flotilla_UpdateStatusInput | null);
  /**
   * The specs before the current one, oldest first (at most SPEC_HISTORY_LIMIT).
   */
  'specHistory'?: (_flotilla_SpecVersionInput)[];
  /**
   * The published ports as the allocator reserved them (every published port filled in).
   */
  'endpoint'?: (_flotilla_EndpointInput | null);
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
   * Where the rolling update (or rollback) to the current spec stands.
   */
  'updateStatus': (_flotilla_UpdateStatus | null);
  /**
   * The specs before the current one, oldest first (at most SPEC_HISTORY_LIMIT).
   */
  'specHistory': (_flotilla_SpecVersion)[];
  /**
   * The published ports as the allocator reserved them (every published port filled in).
   */
  'endpoint'?: (_flotilla_Endpoint | null);
}
