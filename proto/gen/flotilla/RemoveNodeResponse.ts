// Original file: /work/main/proto/flotilla/control.proto


export interface RemoveNodeResponseInput {
}

export interface RemoveNodeResponse {
}
