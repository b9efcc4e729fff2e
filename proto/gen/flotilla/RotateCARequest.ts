// Original file: proto/flotilla/control.proto


export interface RotateCARequestInput {
}

export interface RotateCARequest {
}
