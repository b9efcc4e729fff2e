// Original file: proto/flotilla/types.proto

import type { ResourcesInput as _flotilla_ResourcesInput, Resources as _flotilla_Resources } from '../flotilla/Resources.js';
import type { Long } from '@grpc/proto-loader';

export interface ResourceRequirementsInput {
  'reservations'?: (_flotilla_ResourcesInput | null);
  /**
   * Named resources a task needs, e.g. gpu=1, from what nodes advertise.
   */
  'generic'?: ({[key: string]: number | string | Long});
  /**
   * Enforced by container runtimes (cgroups): cpu, memory, pids.
   */
  'limits'?: (_flotilla_ResourcesInput | null);
}

export interface ResourceRequirements {
  'reservations': (_flotilla_Resources | null);
  /**
   * Named resources a task needs, e.g. gpu=1, from what nodes advertise.
   */
  'generic': ({[key: string]: number});
  /**
   * Enforced by container runtimes (cgroups): cpu, memory, pids.
   */
  'limits': (_flotilla_Resources | null);
}
