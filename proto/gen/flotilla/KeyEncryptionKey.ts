// Original file: proto/flotilla/ca.proto


export interface KeyEncryptionKeyInput {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Its id, as the cluster's DataKey names it.
   */
  'kekId'?: (string);
  'autolock'?: (boolean);
}

export interface KeyEncryptionKey {
  'key': (Buffer);
  /**
   * Its id, as the cluster's DataKey names it.
   */
  'kekId': (string);
  'autolock': (boolean);
}
