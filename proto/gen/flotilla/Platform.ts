// Original file: proto/flotilla/types.proto


export interface PlatformInput {
  'os'?: (string);
  'arch'?: (string);
}

export interface Platform {
  'os': (string);
  'arch': (string);
}
