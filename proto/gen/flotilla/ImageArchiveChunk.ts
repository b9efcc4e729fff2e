// Original file: proto/flotilla/agent.proto


export interface ImageArchiveChunkInput {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ImageArchiveChunk {
  'data': (Buffer);
}
