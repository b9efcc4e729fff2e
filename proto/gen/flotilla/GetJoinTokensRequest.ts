// Original file: proto/flotilla/control.proto


export interface GetJoinTokensRequestInput {
}

export interface GetJoinTokensRequest {
}
