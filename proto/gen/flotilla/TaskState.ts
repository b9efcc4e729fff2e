// Original file: proto/flotilla/types.proto

/**
 * Swarm's task life cycle. Numbers are ordered: a state never moves to a lower one.
 */
export const TaskState = {
  NEW: 'NEW',
  PENDING: 'PENDING',
  ASSIGNED: 'ASSIGNED',
  ACCEPTED: 'ACCEPTED',
  PREPARING: 'PREPARING',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETE',
  SHUTDOWN: 'SHUTDOWN',
  FAILED: 'FAILED',
  REJECTED: 'REJECTED',
  REMOVE: 'REMOVE',
  ORPHANED: 'ORPHANED',
} as const;

/**
 * Swarm's task life cycle. Numbers are ordered: a state never moves to a lower one.
 */
export type TaskStateInput =
  | 'NEW'
  | 0
  | 'PENDING'
  | 1
  | 'ASSIGNED'
  | 2
  | 'ACCEPTED'
  | 3
  | 'PREPARING'
  | 4
  | 'STARTING'
  | 5
  | 'RUNNING'
  | 6
  | 'COMPLETE'
  | 7
  | 'SHUTDOWN'
  | 8
  | 'FAILED'
  | 9
  | 'REJECTED'
  | 10
  | 'REMOVE'
  | 11
  | 'ORPHANED'
  | 12

/**
 * Swarm's task life cycle. Numbers are ordered: a state never moves to a lower one.
 */
export type TaskState = typeof TaskState[keyof typeof TaskState]
