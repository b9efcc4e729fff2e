// Original file: proto/flotilla/dispatcher.proto


export interface HeartbeatRequestInput {
  'nodeId'?: (string);
  'sessionId'?: (string);
}

export interface HeartbeatRequest {
  'nodeId': (string);
  'sessionId': (string);
}
