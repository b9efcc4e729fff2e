// Original file: proto/flotilla/control.proto


export interface ListServicesRequestInput {
}

export interface ListServicesRequest {
}
