// Original file: proto/flotilla/agent.proto


export interface ListImagesRequestInput {
}

export interface ListImagesRequest {
}
