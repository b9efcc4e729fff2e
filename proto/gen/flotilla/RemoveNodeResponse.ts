// Original file: proto/flotilla/control.proto


export interface RemoveNodeResponseInput {
}

export interface RemoveNodeResponse {
}
