// Original file: proto/flotilla/raft.proto


export interface RaftSendResponseInput {
}

export interface RaftSendResponse {
}
