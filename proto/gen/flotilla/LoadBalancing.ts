// Original file: proto/flotilla/types.proto

export const LoadBalancing = {
  ROUND_ROBIN: 'ROUND_ROBIN',
  LEAST_CONN: 'LEAST_CONN',
} as const;

export type LoadBalancingInput =
  | 'ROUND_ROBIN'
  | 0
  | 'LEAST_CONN'
  | 1

export type LoadBalancing = typeof LoadBalancing[keyof typeof LoadBalancing]
