// Original file: proto/flotilla/control.proto


export interface RemoveServiceResponseInput {
}

export interface RemoveServiceResponse {
}
