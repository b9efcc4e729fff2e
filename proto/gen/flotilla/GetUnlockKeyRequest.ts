// Original file: proto/flotilla/control.proto


export interface GetUnlockKeyRequestInput {
}

export interface GetUnlockKeyRequest {
}
