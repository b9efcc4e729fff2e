// Original file: proto/flotilla/agent.proto


export interface RemoveImageResponseInput {
}

export interface RemoveImageResponse {
}
