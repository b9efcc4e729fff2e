// Original file: proto/flotilla/control.proto


export interface ListNodesRequestInput {
}

export interface ListNodesRequest {
}
