// Original file: /work/main/proto/flotilla/control.proto


export interface ListNodesRequestInput {
}

export interface ListNodesRequest {
}
