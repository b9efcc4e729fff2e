// Original file: proto/flotilla/node.proto


export interface RemoveImageResponseInput {
}

export interface RemoveImageResponse {
}
