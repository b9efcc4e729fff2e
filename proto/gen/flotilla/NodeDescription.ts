// Original file: proto/flotilla/types.proto

import type { PlatformInput as _flotilla_PlatformInput, Platform as _flotilla_Platform } from '../flotilla/Platform.js';
import type { ResourcesInput as _flotilla_ResourcesInput, Resources as _flotilla_Resources } from '../flotilla/Resources.js';
import type { Long } from '@grpc/proto-loader';

export interface NodeDescriptionInput {
  'hostname'?: (string);
  'platform'?: (_flotilla_PlatformInput | null);
  'resources'?: (_flotilla_ResourcesInput | null);
  /**
   * Runtime drivers the node has, e.g. "process", "containerd".
   */
  'runtimes'?: (string)[];
  'version'?: (string);
  /**
   * Named resources the node offers, e.g. gpu=2.
   */
  'genericResources'?: ({[key: string]: number | string | Long});
  /**
   * Labels of the node's runtime set where the node starts (`--engine-label`), matched by
   * engine.labels.KEY constraints.
   */
  'engineLabels'?: ({[key: string]: string});
  /**
   * The node's service-discovery resolver (udp host:port), on the node's own address.
   */
  'dnsAddr'?: (string | null);
  /**
   * The node's containers can join overlay networks (their own network, and the overlay up).
   */
  'overlayNetworks'?: (boolean);
}

export interface NodeDescription {
  'hostname': (string);
  'platform': (_flotilla_Platform | null);
  'resources': (_flotilla_Resources | null);
  /**
   * Runtime drivers the node has, e.g. "process", "containerd".
   */
  'runtimes': (string)[];
  'version': (string);
  /**
   * Named resources the node offers, e.g. gpu=2.
   */
  'genericResources': ({[key: string]: number});
  /**
   * Labels of the node's runtime set where the node starts (`--engine-label`), matched by
   * engine.labels.KEY constraints.
   */
  'engineLabels': ({[key: string]: string});
  /**
   * The node's service-discovery resolver (udp host:port), on the node's own address.
   */
  'dnsAddr'?: (string | null);
  /**
   * The node's containers can join overlay networks (their own network, and the overlay up).
   */
  'overlayNetworks': (boolean);
}
