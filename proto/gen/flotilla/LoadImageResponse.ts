// Original file: proto/flotilla/node.proto


export interface LoadImageResponseInput {
  'images'?: (string)[];
}

export interface LoadImageResponse {
  'images': (string)[];
}
