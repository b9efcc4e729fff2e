// Original file: /work/main/proto/flotilla/control.proto


export interface GetJoinTokensRequestInput {
}

export interface GetJoinTokensRequest {
}
