// Original file: proto/flotilla/dispatcher.proto


export interface HeartbeatRequestInput {
  'nodeId'?: (string);
  'sessionId'?: (string);
  /**
   * The digest of the overlay peers the node holds (HeartbeatResponse.overlay_digest), empty
   * when it holds none: the answer carries the peers only when they differ from these.
   */
  'overlayDigest'?: (string);
  /**
   * The node has no overlay to feed (no container bridge; a simulated node): the answer
   * carries no peers. Every node's first answer would otherwise hold the whole set.
   */
  'noOverlay'?: (boolean);
}

export interface HeartbeatRequest {
  'nodeId': (string);
  'sessionId': (string);
  /**
   * The digest of the overlay peers the node holds (HeartbeatResponse.overlay_digest), empty
   * when it holds none: the answer carries the peers only when they differ from these.
   */
  'overlayDigest': (string);
  /**
   * The node has no overlay to feed (no container bridge; a simulated node): the answer
   * carries no peers. Every node's first answer would otherwise hold the whole set.
   */
  'noOverlay': (boolean);
}
