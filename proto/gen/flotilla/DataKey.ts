// Original file: proto/flotilla/types.proto


/**
 * The cluster's data key (AES-256), sealed by the key-encryption key every manager holds:
 * on its disk, or with autolock only in memory once the user's unlock key is given.
 */
export interface DataKeyInput {
  'sealed'?: (Buffer | Uint8Array | string);
  /**
   * Which key-encryption key sealed it: the first 16 hex digits of its sha256.
   */
  'kekId'?: (string);
  'autolock'?: (boolean);
  /**
   * The same data key under the key-encryption key before the last rotation, so that a
   * manager that missed the rotation still opens with the key it was locked with.
   */
  'previousSealed'?: (Buffer | Uint8Array | string);
  'previousKekId'?: (string);
}

/**
 * The cluster's data key (AES-256), sealed by the key-encryption key every manager holds:
 * on its disk, or with autolock only in memory once the user's unlock key is given.
 */
export interface DataKey {
  'sealed': (Buffer);
  /**
   * Which key-encryption key sealed it: the first 16 hex digits of its sha256.
   */
  'kekId': (string);
  'autolock': (boolean);
  /**
   * The same data key under the key-encryption key before the last rotation, so that a
   * manager that missed the rotation still opens with the key it was locked with.
   */
  'previousSealed': (Buffer);
  'previousKekId': (string);
}
