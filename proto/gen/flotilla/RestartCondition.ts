// Original file: proto/flotilla/types.proto

export const RestartCondition = {
  RESTART_ANY: 'RESTART_ANY',
  RESTART_ON_FAILURE: 'RESTART_ON_FAILURE',
  RESTART_NONE: 'RESTART_NONE',
} as const;

export type RestartConditionInput =
  | 'RESTART_ANY'
  | 0
  | 'RESTART_ON_FAILURE'
  | 1
  | 'RESTART_NONE'
  | 2

export type RestartCondition = typeof RestartCondition[keyof typeof RestartCondition]
