// Original file: proto/flotilla/types.proto


export interface JoinTokensInput {
  'worker'?: (string);
  'manager'?: (string);
}

export interface JoinTokens {
  'worker': (string);
  'manager': (string);
}
