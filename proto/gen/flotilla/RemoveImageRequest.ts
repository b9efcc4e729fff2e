// Original file: proto/flotilla/node.proto


export interface RemoveImageRequestInput {
  'name'?: (string);
}

export interface RemoveImageRequest {
  'name': (string);
}
