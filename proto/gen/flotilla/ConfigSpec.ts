// Original file: proto/flotilla/types.proto


export interface ConfigSpecInput {
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  'data'?: (Buffer | Uint8Array | string);
}

export interface ConfigSpec {
  'name': (string);
  'labels': ({[key: string]: string});
  'data': (Buffer);
}
