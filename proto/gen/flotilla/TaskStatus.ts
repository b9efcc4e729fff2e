// Original file: proto/flotilla/types.proto

import type { TaskStateInput as _flotilla_TaskStateInput, TaskState as _flotilla_TaskState } from '../flotilla/TaskState.js';
import type { ContainerStatusInput as _flotilla_ContainerStatusInput, ContainerStatus as _flotilla_ContainerStatus } from '../flotilla/ContainerStatus.js';
import type { HealthStateInput as _flotilla_HealthStateInput, HealthState as _flotilla_HealthState } from '../flotilla/HealthState.js';
import type { TaskAddressesInput as _flotilla_TaskAddressesInput, TaskAddresses as _flotilla_TaskAddresses } from '../flotilla/TaskAddresses.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskStatusInput {
  'timestamp'?: (number | string | Long);
  'state'?: (_flotilla_TaskStateInput);
  /**
   * What is happening, for people ("starting", "process exited").
   */
  'message'?: (string);
  /**
   * Why it failed, when it did.
   */
  'err'?: (string);
  'container'?: (_flotilla_ContainerStatusInput | null);
  /**
   * Only for tasks with a health check.
   */
  'health'?: (_flotilla_HealthStateInput);
  /**
   * The output of the last failed check.
   */
  'healthOutput'?: (string);
  /**
   * Where the task listens, once it does: one address per target port.
   */
  'addresses'?: (_flotilla_TaskAddressesInput | null);
}

export interface TaskStatus {
  'timestamp': (number);
  'state': (_flotilla_TaskState);
  /**
   * What is happening, for people ("starting", "process exited").
   */
  'message': (string);
  /**
   * Why it failed, when it did.
   */
  'err': (string);
  'container': (_flotilla_ContainerStatus | null);
  /**
   * Only for tasks with a health check.
   */
  'health': (_flotilla_HealthState);
  /**
   * The output of the last failed check.
   */
  'healthOutput': (string);
  /**
   * Where the task listens, once it does: one address per target port.
   */
  'addresses'?: (_flotilla_TaskAddresses | null);
}
