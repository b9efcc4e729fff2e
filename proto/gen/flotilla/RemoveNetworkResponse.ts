// Original file: proto/flotilla/control.proto


export interface RemoveNetworkResponseInput {
}

export interface RemoveNetworkResponse {
}
