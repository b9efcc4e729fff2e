// Original file: proto/flotilla/types.proto

export const NodeAvailability = {
  ACTIVE: 'ACTIVE',
  PAUSE: 'PAUSE',
  DRAIN: 'DRAIN',
} as const;

export type NodeAvailabilityInput =
  | 'ACTIVE'
  | 0
  | 'PAUSE'
  | 1
  | 'DRAIN'
  | 2

export type NodeAvailability = typeof NodeAvailability[keyof typeof NodeAvailability]
