// Original file: proto/flotilla/raft.proto

import type { RaftMemberInput as _flotilla_RaftMemberInput, RaftMember as _flotilla_RaftMember } from '../flotilla/RaftMember.js';

/**
 * What a Raft snapshot holds: the members' addresses at its index, and the application's state.
 */
export interface RaftSnapshotDataInput {
  'members'?: (_flotilla_RaftMemberInput)[];
  'app'?: (Buffer | Uint8Array | string);
}

/**
 * What a Raft snapshot holds: the members' addresses at its index, and the application's state.
 */
export interface RaftSnapshotData {
  'members': (_flotilla_RaftMember)[];
  'app': (Buffer);
}
