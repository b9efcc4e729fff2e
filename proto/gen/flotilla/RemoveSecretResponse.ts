// Original file: proto/flotilla/control.proto


export interface RemoveSecretResponseInput {
}

export interface RemoveSecretResponse {
}
