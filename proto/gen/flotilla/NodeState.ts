// Original file: proto/flotilla/types.proto

export const NodeState = {
  UNKNOWN: 'UNKNOWN',
  DOWN: 'DOWN',
  READY: 'READY',
  DISCONNECTED: 'DISCONNECTED',
} as const;

export type NodeStateInput =
  | 'UNKNOWN'
  | 0
  | 'DOWN'
  | 1
  | 'READY'
  | 2
  | 'DISCONNECTED'
  | 3

export type NodeState = typeof NodeState[keyof typeof NodeState]
