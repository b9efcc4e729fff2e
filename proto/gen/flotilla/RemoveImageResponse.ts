// Original file: /work/main/proto/flotilla/agent.proto


export interface RemoveImageResponseInput {
}

export interface RemoveImageResponse {
}
