// Original file: proto/flotilla/control.proto


export interface UnlockKeyInput {
  /**
   * FLKEY-1-...: shown to the user once; keep it somewhere safe.
   */
  'key'?: (string);
}

export interface UnlockKey {
  /**
   * FLKEY-1-...: shown to the user once; keep it somewhere safe.
   */
  'key': (string);
}
