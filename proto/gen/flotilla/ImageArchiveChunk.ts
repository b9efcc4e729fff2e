// Original file: proto/flotilla/node.proto


export interface ImageArchiveChunkInput {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ImageArchiveChunk {
  'data': (Buffer);
}
