// Original file: proto/flotilla/types.proto

export const FailureAction = {
  FAILURE_PAUSE: 'FAILURE_PAUSE',
  FAILURE_CONTINUE: 'FAILURE_CONTINUE',
  FAILURE_ROLLBACK: 'FAILURE_ROLLBACK',
} as const;

export type FailureActionInput =
  | 'FAILURE_PAUSE'
  | 0
  | 'FAILURE_CONTINUE'
  | 1
  | 'FAILURE_ROLLBACK'
  | 2

export type FailureAction = typeof FailureAction[keyof typeof FailureAction]
