// Original file: proto/flotilla/dispatcher.proto

import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from '../flotilla/Task.js';
import type { SecretValueInput as _flotilla_SecretValueInput, SecretValue as _flotilla_SecretValue } from '../flotilla/SecretValue.js';

// Original file: proto/flotilla/dispatcher.proto

/**
 * COMPLETE replaces the node's whole set; INCREMENTAL changes it.
 */
export const _flotilla_Assignments_Kind = {
  COMPLETE: 'COMPLETE',
  INCREMENTAL: 'INCREMENTAL',
} as const;

/**
 * COMPLETE replaces the node's whole set; INCREMENTAL changes it.
 */
export type _flotilla_Assignments_KindInput =
  | 'COMPLETE'
  | 0
  | 'INCREMENTAL'
  | 1

/**
 * COMPLETE replaces the node's whole set; INCREMENTAL changes it.
 */
export type _flotilla_Assignments_Kind = typeof _flotilla_Assignments_Kind[keyof typeof _flotilla_Assignments_Kind]

export interface AssignmentsInput {
  'kind'?: (_flotilla_Assignments_KindInput);
  'tasks'?: (_flotilla_TaskInput)[];
  'removed'?: (string)[];
  /**
   * The values of the secrets and configs the tasks in this message use (by id), decrypted
   * for this node alone over its session; a node keeps them only while a task uses them.
   */
  'values'?: (_flotilla_SecretValueInput)[];
}

export interface Assignments {
  'kind': (_flotilla_Assignments_Kind);
  'tasks': (_flotilla_Task)[];
  'removed': (string)[];
  /**
   * The values of the secrets and configs the tasks in this message use (by id), decrypted
   * for this node alone over its session; a node keeps them only while a task uses them.
   */
  'values': (_flotilla_SecretValue)[];
}
