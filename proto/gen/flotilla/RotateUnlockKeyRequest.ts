// Original file: proto/flotilla/control.proto


export interface RotateUnlockKeyRequestInput {
}

export interface RotateUnlockKeyRequest {
}
