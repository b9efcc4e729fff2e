// Original file: proto/flotilla/types.proto


/**
 * A mount into a container: `bind` (a host path), `tmpfs`, or `volume` (a named volume of
 * the node the task runs on, made there on first use; source is its name).
 */
export interface MountInput {
  'type'?: (string);
  'source'?: (string);
  'target'?: (string);
  'readOnly'?: (boolean);
  /**
   * Volumes only: the driver ("local", the one there is) and its options, as Docker's local
   * driver takes them (type=tmpfs, device=tmpfs, o=size=64m; or type=none, o=bind, device=PATH).
   */
  'volumeDriver'?: (string);
  'volumeOptions'?: ({[key: string]: string});
}

/**
 * A mount into a container: `bind` (a host path), `tmpfs`, or `volume` (a named volume of
 * the node the task runs on, made there on first use; source is its name).
 */
export interface Mount {
  'type': (string);
  'source': (string);
  'target': (string);
  'readOnly': (boolean);
  /**
   * Volumes only: the driver ("local", the one there is) and its options, as Docker's local
   * driver takes them (type=tmpfs, device=tmpfs, o=size=64m; or type=none, o=bind, device=PATH).
   */
  'volumeDriver': (string);
  'volumeOptions': ({[key: string]: string});
}
