// Original file: proto/flotilla/types.proto


/**
 * Where another node's containers are: its subnet, behind its address.
 */
export interface OverlayPeerInput {
  'nodeId'?: (string);
  'subnet'?: (string);
  /**
   * The node's own IP, where its VXLAN device receives.
   */
  'addr'?: (string);
}

/**
 * Where another node's containers are: its subnet, behind its address.
 */
export interface OverlayPeer {
  'nodeId': (string);
  'subnet': (string);
  /**
   * The node's own IP, where its VXLAN device receives.
   */
  'addr': (string);
}
