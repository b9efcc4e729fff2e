// Original file: proto/flotilla/node.proto


export interface ListImagesRequestInput {
}

export interface ListImagesRequest {
}
