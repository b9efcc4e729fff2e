// Original file: proto/flotilla/raft.proto


export interface RaftInstallSnapshotResponseInput {
}

export interface RaftInstallSnapshotResponse {
}
