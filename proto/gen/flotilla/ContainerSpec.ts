// Original file: /work/main/proto/flotilla/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ContainerSpecInput {
  /**
   * "host" runs the command as a plain process on the node.
   */
  'image'?: (string);
  /**
   * Entrypoint override; empty keeps the image's.
   */
  'command'?: (string)[];
  'args'?: (string)[];
  /**
   * KEY=VALUE, as Docker.
   */
  'env'?: (string)[];
  'dir'?: (string);
  'labels'?: ({[key: string]: string});
  'stopSignal'?: (string);
  'stopGracePeriodMs'?: (number | string | Long);
  'user'?: (string);
  'hostname'?: (string);
}

export interface ContainerSpec {
  /**
   * "host" runs the command as a plain process on the node.
   */
  'image': (string);
  /**
   * Entrypoint override; empty keeps the image's.
   */
  'command': (string)[];
  'args': (string)[];
  /**
   * KEY=VALUE, as Docker.
   */
  'env': (string)[];
  'dir': (string);
  'labels': ({[key: string]: string});
  'stopSignal': (string);
  'stopGracePeriodMs': (number);
  'user': (string);
  'hostname': (string);
}
