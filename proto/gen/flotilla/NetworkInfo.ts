// Original file: proto/flotilla/control.proto

import type { NetworkInput as _flotilla_NetworkInput, Network as _flotilla_Network } from '../flotilla/Network.js';
import type { Long } from '@grpc/proto-loader';

export interface NetworkInfoInput {
  'network'?: (_flotilla_NetworkInput | null);
  /**
   * The names of the services attached to it.
   */
  'services'?: (string)[];
  /**
   * How many tasks hold an address on it.
   */
  'attachedTasks'?: (number | string | Long);
}

export interface NetworkInfo {
  'network': (_flotilla_Network | null);
  /**
   * The names of the services attached to it.
   */
  'services': (string)[];
  /**
   * How many tasks hold an address on it.
   */
  'attachedTasks': (number);
}
