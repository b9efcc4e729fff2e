// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { TaskSpecInput as _flotilla_TaskSpecInput, TaskSpec as _flotilla_TaskSpec } from '../flotilla/TaskSpec.js';
import type { TaskStateInput as _flotilla_TaskStateInput, TaskState as _flotilla_TaskState } from '../flotilla/TaskState.js';
import type { TaskStatusInput as _flotilla_TaskStatusInput, TaskStatus as _flotilla_TaskStatus } from '../flotilla/TaskStatus.js';
import type { EndpointInput as _flotilla_EndpointInput, Endpoint as _flotilla_Endpoint } from '../flotilla/Endpoint.js';
import type { NetworkAttachmentInput as _flotilla_NetworkAttachmentInput, NetworkAttachment as _flotilla_NetworkAttachment } from '../flotilla/NetworkAttachment.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'serviceId'?: (string);
  'serviceName'?: (string);
  /**
   * 1-based replica slot; 0 for global tasks (which are keyed by node).
   */
  'slot'?: (number | string | Long);
  'nodeId'?: (string);
  'spec'?: (_flotilla_TaskSpecInput | null);
  'specVersion'?: (number | string | Long);
  'desiredState'?: (_flotilla_TaskStateInput);
  'status'?: (_flotilla_TaskStatusInput | null);
  /**
   * The service's ports (as allocated) when the task was made: the targets it gets addresses for.
   */
  'endpoint'?: (_flotilla_EndpointInput | null);
  /**
   * When the task was first reported RUNNING (0: not yet): updates monitor failures from here.
   */
  'runningSince'?: (number | string | Long);
  /**
   * Started beside the old tasks by an update with --update-canary; kept until promoted.
   */
  'canary'?: (boolean);
  /**
   * The task's address on each network of its spec, given with its node by the scheduler.
   */
  'networks'?: (_flotilla_NetworkAttachmentInput)[];
}

export interface Task {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'serviceId': (string);
  'serviceName': (string);
  /**
   * 1-based replica slot; 0 for global tasks (which are keyed by node).
   */
  'slot': (number);
  'nodeId': (string);
  'spec': (_flotilla_TaskSpec | null);
  'specVersion': (number);
  'desiredState': (_flotilla_TaskState);
  'status': (_flotilla_TaskStatus | null);
  /**
   * The service's ports (as allocated) when the task was made: the targets it gets addresses for.
   */
  'endpoint'?: (_flotilla_Endpoint | null);
  /**
   * When the task was first reported RUNNING (0: not yet): updates monitor failures from here.
   */
  'runningSince': (number);
  /**
   * Started beside the old tasks by an update with --update-canary; kept until promoted.
   */
  'canary': (boolean);
  /**
   * The task's address on each network of its spec, given with its node by the scheduler.
   */
  'networks': (_flotilla_NetworkAttachment)[];
}
