// Original file: /work/main/proto/flotilla/control.proto


export interface ListServicesRequestInput {
}

export interface ListServicesRequest {
}
