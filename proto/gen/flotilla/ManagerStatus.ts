// Original file: proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/flotilla/types.proto

export const _flotilla_ManagerStatus_Reachability = {
  UNKNOWN: 'UNKNOWN',
  UNREACHABLE: 'UNREACHABLE',
  REACHABLE: 'REACHABLE',
} as const;

export type _flotilla_ManagerStatus_ReachabilityInput =
  | 'UNKNOWN'
  | 0
  | 'UNREACHABLE'
  | 1
  | 'REACHABLE'
  | 2

export type _flotilla_ManagerStatus_Reachability = typeof _flotilla_ManagerStatus_Reachability[keyof typeof _flotilla_ManagerStatus_Reachability]

/**
 * A manager's place in the Raft group.
 */
export interface ManagerStatusInput {
  'raftId'?: (number | string | Long);
  /**
   * Where the other managers reach it.
   */
  'addr'?: (string);
  /**
   * The two below are the leader's view, filled in when the node is read.
   */
  'leader'?: (boolean);
  'reachability'?: (_flotilla_ManagerStatus_ReachabilityInput);
}

/**
 * A manager's place in the Raft group.
 */
export interface ManagerStatus {
  'raftId': (number);
  /**
   * Where the other managers reach it.
   */
  'addr': (string);
  /**
   * The two below are the leader's view, filled in when the node is read.
   */
  'leader': (boolean);
  'reachability': (_flotilla_ManagerStatus_Reachability);
}
