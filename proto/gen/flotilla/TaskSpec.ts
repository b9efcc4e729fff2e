// Original file: proto/flotilla/types.proto

import type { ContainerSpecInput as _flotilla_ContainerSpecInput, ContainerSpec as _flotilla_ContainerSpec } from '../flotilla/ContainerSpec.js';
import type { RestartPolicyInput as _flotilla_RestartPolicyInput, RestartPolicy as _flotilla_RestartPolicy } from '../flotilla/RestartPolicy.js';
import type { PlacementInput as _flotilla_PlacementInput, Placement as _flotilla_Placement } from '../flotilla/Placement.js';
import type { ResourceRequirementsInput as _flotilla_ResourceRequirementsInput, ResourceRequirements as _flotilla_ResourceRequirements } from '../flotilla/ResourceRequirements.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskSpecInput {
  'container'?: (_flotilla_ContainerSpecInput | null);
  'restart'?: (_flotilla_RestartPolicyInput | null);
  'placement'?: (_flotilla_PlacementInput | null);
  'resources'?: (_flotilla_ResourceRequirementsInput | null);
  /**
   * Bumped by `service update --force`: a changed spec, so every task is replaced.
   */
  'forceUpdate'?: (number | string | Long);
  /**
   * The overlay networks the task's container joins besides the default one, by network id
   * (a spec names them by name or id; the API stores ids).
   */
  'networks'?: (string)[];
}

export interface TaskSpec {
  'container': (_flotilla_ContainerSpec | null);
  'restart': (_flotilla_RestartPolicy | null);
  'placement': (_flotilla_Placement | null);
  'resources': (_flotilla_ResourceRequirements | null);
  /**
   * Bumped by `service update --force`: a changed spec, so every task is replaced.
   */
  'forceUpdate': (number);
  /**
   * The overlay networks the task's container joins besides the default one, by network id
   * (a spec names them by name or id; the API stores ids).
   */
  'networks': (string)[];
}
