// Original file: proto/flotilla/control.proto


export interface ListConfigsRequestInput {
}

export interface ListConfigsRequest {
}
