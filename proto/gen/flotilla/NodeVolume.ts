// Original file: proto/flotilla/node.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeVolumeInput {
  'name'?: (string);
  'driver'?: (string);
  'options'?: ({[key: string]: string});
  /**
   * The directory bound into containers.
   */
  'mountpoint'?: (string);
  /**
   * Bytes in it (0 for a bind of a host path, which is not ours to walk).
   */
  'size'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  /**
   * The tasks whose containers on the node use it.
   */
  'usedBy'?: (string)[];
}

export interface NodeVolume {
  'name': (string);
  'driver': (string);
  'options': ({[key: string]: string});
  /**
   * The directory bound into containers.
   */
  'mountpoint': (string);
  /**
   * Bytes in it (0 for a bind of a host path, which is not ours to walk).
   */
  'size': (number);
  'createdAtMs': (number);
  /**
   * The tasks whose containers on the node use it.
   */
  'usedBy': (string)[];
}
