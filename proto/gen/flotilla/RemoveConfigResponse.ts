// Original file: proto/flotilla/control.proto


export interface RemoveConfigResponseInput {
}

export interface RemoveConfigResponse {
}
