// Original file: proto/flotilla/types.proto

import type { PlacementPreferenceInput as _flotilla_PlacementPreferenceInput, PlacementPreference as _flotilla_PlacementPreference } from '../flotilla/PlacementPreference.js';
import type { PlacementStrategyInput as _flotilla_PlacementStrategyInput, PlacementStrategy as _flotilla_PlacementStrategy } from '../flotilla/PlacementStrategy.js';
import type { Long } from '@grpc/proto-loader';

export interface PlacementInput {
  /**
   * node.id, node.hostname, node.role, node.platform.os, node.platform.arch,
   * node.labels.KEY or engine.labels.KEY, then == or !=, then a value.
   */
  'constraints'?: (string)[];
  /**
   * Spread over the values of a node label, in order (hierarchical).
   */
  'preferences'?: (_flotilla_PlacementPreferenceInput)[];
  /**
   * At most this many of the service's tasks on one node; 0 means no limit.
   */
  'maxReplicas'?: (number | string | Long);
  'strategy'?: (_flotilla_PlacementStrategyInput);
  /**
   * Nodes must already run (affinity) or must not run (anti-affinity) a task of a service
   * that matches: service.name==NAME or service.labels.KEY==VALUE.
   */
  'affinities'?: (string)[];
  'antiAffinities'?: (string)[];
}

export interface Placement {
  /**
   * node.id, node.hostname, node.role, node.platform.os, node.platform.arch,
   * node.labels.KEY or engine.labels.KEY, then == or !=, then a value.
   */
  'constraints': (string)[];
  /**
   * Spread over the values of a node label, in order (hierarchical).
   */
  'preferences': (_flotilla_PlacementPreference)[];
  /**
   * At most this many of the service's tasks on one node; 0 means no limit.
   */
  'maxReplicas': (number);
  'strategy': (_flotilla_PlacementStrategy);
  /**
   * Nodes must already run (affinity) or must not run (anti-affinity) a task of a service
   * that matches: service.name==NAME or service.labels.KEY==VALUE.
   */
  'affinities': (string)[];
  'antiAffinities': (string)[];
}
