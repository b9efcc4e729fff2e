// Original file: proto/flotilla/types.proto


/**
 * A task's place on an overlay network: what its node needs to plug its container in.
 */
export interface NetworkAttachmentInput {
  'networkId'?: (string);
  'networkName'?: (string);
  /**
   * The network's VXLAN id.
   */
  'vni'?: (number);
  /**
   * The task's address with the network's prefix length, e.g. 10.30.0.5/24.
   */
  'address'?: (string);
}

/**
 * A task's place on an overlay network: what its node needs to plug its container in.
 */
export interface NetworkAttachment {
  'networkId': (string);
  'networkName': (string);
  /**
   * The network's VXLAN id.
   */
  'vni': (number);
  /**
   * The task's address with the network's prefix length, e.g. 10.30.0.5/24.
   */
  'address': (string);
}
