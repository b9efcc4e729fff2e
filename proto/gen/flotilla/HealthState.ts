// Original file: proto/flotilla/types.proto

export const HealthState = {
  HEALTH_NONE: 'HEALTH_NONE',
  HEALTH_STARTING: 'HEALTH_STARTING',
  HEALTHY: 'HEALTHY',
  UNHEALTHY: 'UNHEALTHY',
} as const;

export type HealthStateInput =
  | 'HEALTH_NONE'
  | 0
  | 'HEALTH_STARTING'
  | 1
  | 'HEALTHY'
  | 2
  | 'UNHEALTHY'
  | 3

export type HealthState = typeof HealthState[keyof typeof HealthState]
