// Original file: /work/main/proto/flotilla/agent.proto


export interface ListImagesRequestInput {
}

export interface ListImagesRequest {
}
