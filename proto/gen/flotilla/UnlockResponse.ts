// Original file: proto/flotilla/control.proto


export interface UnlockResponseInput {
}

export interface UnlockResponse {
}
