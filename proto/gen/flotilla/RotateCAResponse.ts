// Original file: proto/flotilla/control.proto


export interface RotateCAResponseInput {
  /**
   * The new root's digest, which the join tokens now carry.
   */
  'digest'?: (string);
}

export interface RotateCAResponse {
  /**
   * The new root's digest, which the join tokens now carry.
   */
  'digest': (string);
}
