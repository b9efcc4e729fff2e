// Original file: proto/flotilla/types.proto

export const NodeRole = {
  WORKER: 'WORKER',
  MANAGER: 'MANAGER',
} as const;

export type NodeRoleInput =
  | 'WORKER'
  | 0
  | 'MANAGER'
  | 1

export type NodeRole = typeof NodeRole[keyof typeof NodeRole]
