// Original file: proto/flotilla/ca.proto


export interface GetKeyEncryptionKeyRequestInput {
}

export interface GetKeyEncryptionKeyRequest {
}
