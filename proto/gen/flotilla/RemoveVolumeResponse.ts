// Original file: proto/flotilla/agent.proto


export interface RemoveVolumeResponseInput {
}

export interface RemoveVolumeResponse {
}
