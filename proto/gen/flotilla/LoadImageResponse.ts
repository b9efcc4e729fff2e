// Original file: proto/flotilla/agent.proto


export interface LoadImageResponseInput {
  'images'?: (string)[];
}

export interface LoadImageResponse {
  'images': (string)[];
}
