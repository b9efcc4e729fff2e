// Original file: proto/flotilla/control.proto


export interface ListSecretsRequestInput {
}

export interface ListSecretsRequest {
}
