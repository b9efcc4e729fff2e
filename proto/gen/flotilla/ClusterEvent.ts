// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterEventInput {
  /**
   * service, task, node, network, secret, config.
   */
  'type'?: (string);
  /**
   * create, update, remove; a task's change of state is named by its new state (running, ...).
   */
  'action'?: (string);
  'id'?: (string);
  'name'?: (string);
  /**
   * The store index of the write that made the event: never decreases along a stream (one
   * write may make several events).
   */
  'index'?: (number | string | Long);
  /**
   * Unix ms of the write (of its arrival here, for a removal).
   */
  'timeMs'?: (number | string | Long);
  /**
   * E.g. a task's service and node; `X.old` is what an update changed X from.
   */
  'attributes'?: ({[key: string]: string});
}

export interface ClusterEvent {
  /**
   * service, task, node, network, secret, config.
   */
  'type': (string);
  /**
   * create, update, remove; a task's change of state is named by its new state (running, ...).
   */
  'action': (string);
  'id': (string);
  'name': (string);
  /**
   * The store index of the write that made the event: never decreases along a stream (one
   * write may make several events).
   */
  'index': (number);
  /**
   * Unix ms of the write (of its arrival here, for a removal).
   */
  'timeMs': (number);
  /**
   * E.g. a task's service and node; `X.old` is what an update changed X from.
   */
  'attributes': ({[key: string]: string});
}
