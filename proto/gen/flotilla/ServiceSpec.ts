// Original file: proto/flotilla/types.proto

import type { TaskSpecInput as _flotilla_TaskSpecInput, TaskSpec as _flotilla_TaskSpec } from '../flotilla/TaskSpec.js';
import type { ReplicatedServiceInput as _flotilla_ReplicatedServiceInput, ReplicatedService as _flotilla_ReplicatedService } from '../flotilla/ReplicatedService.js';
import type { GlobalServiceInput as _flotilla_GlobalServiceInput, GlobalService as _flotilla_GlobalService } from '../flotilla/GlobalService.js';
import type { ReplicatedJobInput as _flotilla_ReplicatedJobInput, ReplicatedJob as _flotilla_ReplicatedJob } from '../flotilla/ReplicatedJob.js';
import type { GlobalJobInput as _flotilla_GlobalJobInput, GlobalJob as _flotilla_GlobalJob } from '../flotilla/GlobalJob.js';
import type { UpdateConfigInput as _flotilla_UpdateConfigInput, UpdateConfig as _flotilla_UpdateConfig } from '../flotilla/UpdateConfig.js';
import type { EndpointSpecInput as _flotilla_EndpointSpecInput, EndpointSpec as _flotilla_EndpointSpec } from '../flotilla/EndpointSpec.js';

export interface ServiceSpecInput {
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  'task'?: (_flotilla_TaskSpecInput | null);
  'replicated'?: (_flotilla_ReplicatedServiceInput | null);
  'global'?: (_flotilla_GlobalServiceInput | null);
  'replicatedJob'?: (_flotilla_ReplicatedJobInput | null);
  'globalJob'?: (_flotilla_GlobalJobInput | null);
  /**
   * How tasks are replaced when the task spec changes, and when an update is rolled back.
   * Unset: the defaults (one at a time, no delay, pause on failure, monitor 5s, stop-first).
   */
  'update'?: (_flotilla_UpdateConfigInput | null);
  'rollback'?: (_flotilla_UpdateConfigInput | null);
  /**
   * Published ports and how the mesh balances them.
   */
  'endpoint'?: (_flotilla_EndpointSpecInput | null);
  'mode'?: "replicated"|"global"|"replicatedJob"|"globalJob";
}

export interface ServiceSpec {
  'name': (string);
  'labels': ({[key: string]: string});
  'task': (_flotilla_TaskSpec | null);
  'replicated'?: (_flotilla_ReplicatedService | null);
  'global'?: (_flotilla_GlobalService | null);
  'replicatedJob'?: (_flotilla_ReplicatedJob | null);
  'globalJob'?: (_flotilla_GlobalJob | null);
  /**
   * How tasks are replaced when the task spec changes, and when an update is rolled back.
   * Unset: the defaults (one at a time, no delay, pause on failure, monitor 5s, stop-first).
   */
  'update': (_flotilla_UpdateConfig | null);
  'rollback': (_flotilla_UpdateConfig | null);
  /**
   * Published ports and how the mesh balances them.
   */
  'endpoint'?: (_flotilla_EndpointSpec | null);
  'mode'?: "replicated"|"global"|"replicatedJob"|"globalJob";
}
