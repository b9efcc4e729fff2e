// Original file: /work/main/proto/flotilla/raft.proto


export interface RaftSendResponseInput {
}

export interface RaftSendResponse {
}
