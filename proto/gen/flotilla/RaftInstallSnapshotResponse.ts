// Original file: /work/main/proto/flotilla/raft.proto


export interface RaftInstallSnapshotResponseInput {
}

export interface RaftInstallSnapshotResponse {
}
