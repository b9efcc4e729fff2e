// Original file: proto/flotilla/types.proto


/**
 * A mount into a container: `bind` (a host path) or `tmpfs`.
 */
export interface MountInput {
  'type'?: (string);
  'source'?: (string);
  'target'?: (string);
  'readOnly'?: (boolean);
}

/**
 * A mount into a container: `bind` (a host path) or `tmpfs`.
 */
export interface Mount {
  'type': (string);
  'source': (string);
  'target': (string);
  'readOnly': (boolean);
}
