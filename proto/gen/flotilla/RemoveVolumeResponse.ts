// Original file: proto/flotilla/node.proto


export interface RemoveVolumeResponseInput {
}

export interface RemoveVolumeResponse {
}
