// Original file: proto/flotilla/node.proto


export interface LeaveRequestInput {
  /**
   * A manager leaves only with force: the others lose a member of their Raft group.
   */
  'force'?: (boolean);
}

export interface LeaveRequest {
  /**
   * A manager leaves only with force: the others lose a member of their Raft group.
   */
  'force': (boolean);
}
