// Original file: proto/flotilla/types.proto

export const UpdateState = {
  UPDATE_NONE: 'UPDATE_NONE',
  UPDATING: 'UPDATING',
  UPDATE_PAUSED: 'UPDATE_PAUSED',
  UPDATE_COMPLETED: 'UPDATE_COMPLETED',
  ROLLBACK_STARTED: 'ROLLBACK_STARTED',
  ROLLBACK_PAUSED: 'ROLLBACK_PAUSED',
  ROLLBACK_COMPLETED: 'ROLLBACK_COMPLETED',
} as const;

export type UpdateStateInput =
  | 'UPDATE_NONE'
  | 0
  | 'UPDATING'
  | 1
  | 'UPDATE_PAUSED'
  | 2
  | 'UPDATE_COMPLETED'
  | 3
  | 'ROLLBACK_STARTED'
  | 4
  | 'ROLLBACK_PAUSED'
  | 5
  | 'ROLLBACK_COMPLETED'
  | 6

export type UpdateState = typeof UpdateState[keyof typeof UpdateState]
