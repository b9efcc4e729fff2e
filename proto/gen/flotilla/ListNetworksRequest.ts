// Original file: proto/flotilla/control.proto


export interface ListNetworksRequestInput {
}

export interface ListNetworksRequest {
}
