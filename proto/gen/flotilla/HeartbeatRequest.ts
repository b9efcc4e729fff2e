// Original file: proto/flotilla/dispatcher.proto


export interface HeartbeatRequestInput {
  'nodeId'?: (string);
  'sessionId'?: (string);
  /**
   * The digest of the overlay peers the node holds (HeartbeatResponse.overlay_digest), empty
   * when it holds none: the answer carries the peers only when they differ from these.
   */
  'overlayDigest'?: (string);
}

export interface HeartbeatRequest {
  'nodeId': (string);
  'sessionId': (string);
  /**
   * The digest of the overlay peers the node holds (HeartbeatResponse.overlay_digest), empty
   * when it holds none: the answer carries the peers only when they differ from these.
   */
  'overlayDigest': (string);
}
