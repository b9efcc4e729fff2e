// Original file: proto/flotilla/types.proto

export const UpdateOrder = {
  STOP_FIRST: 'STOP_FIRST',
  START_FIRST: 'START_FIRST',
} as const;

export type UpdateOrderInput =
  | 'STOP_FIRST'
  | 0
  | 'START_FIRST'
  | 1

export type UpdateOrder = typeof UpdateOrder[keyof typeof UpdateOrder]
