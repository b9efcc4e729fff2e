// Original file: /work/main/proto/flotilla/control.proto


export interface RemoveServiceResponseInput {
}

export interface RemoveServiceResponse {
}
