// Original file: /work/main/proto/flotilla/types.proto

import type { TaskSpecInput as _flotilla_TaskSpecInput, TaskSpec as _flotilla_TaskSpec } from '../flotilla/TaskSpec.js';
import type { ReplicatedServiceInput as _flotilla_ReplicatedServiceInput, ReplicatedService as _flotilla_ReplicatedService } from '../flotilla/ReplicatedService.js';
import type { GlobalServiceInput as _flotilla_GlobalServiceInput, GlobalService as _flotilla_GlobalService } from '../flotilla/GlobalService.js';

export interface ServiceSpecInput {
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  'task'?: (_flotilla_TaskSpecInput | null);
  'replicated'?: (_flotilla_ReplicatedServiceInput | null);
  'global'?: (_flotilla_GlobalServiceInput | null);
  'mode'?: "replicated"|"global";
}

export interface ServiceSpec {
  'name': (string);
  'labels': ({[key: string]: string});
  'task': (_flotilla_TaskSpec | null);
  'replicated'?: (_flotilla_ReplicatedService | null);
  'global'?: (_flotilla_GlobalService | null);
  'mode'?: "replicated"|"global";
}
