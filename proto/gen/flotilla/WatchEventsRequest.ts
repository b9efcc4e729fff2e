// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchEventsRequestInput {
  /**
   * Filters: each list matches any of its values, and an event must match every list given;
   * an empty list matches all.
   * service, task, node, network, secret, config.
   */
  'types'?: (string)[];
  'names'?: (string)[];
  /**
   * Ids, or prefixes of ids.
   */
  'ids'?: (string)[];
  /**
   * A service's own events and its tasks', by name, id or id prefix.
   */
  'services'?: (string)[];
  /**
   * A node's own events and its tasks', by hostname, id or id prefix.
   */
  'nodes'?: (string)[];
  /**
   * create, update, remove, or a task's new state (running, shutdown, ...).
   */
  'events'?: (string)[];
  /**
   * Unix ms: earlier events from those this manager keeps, then the new ones; 0: new ones only.
   */
  'sinceMs'?: (number | string | Long);
  /**
   * Unix ms: the stream ends at this time; 0: it goes on until the caller cancels it.
   */
  'untilMs'?: (number | string | Long);
}

export interface WatchEventsRequest {
  /**
   * Filters: each list matches any of its values, and an event must match every list given;
   * an empty list matches all.
   * service, task, node, network, secret, config.
   */
  'types': (string)[];
  'names': (string)[];
  /**
   * Ids, or prefixes of ids.
   */
  'ids': (string)[];
  /**
   * A service's own events and its tasks', by name, id or id prefix.
   */
  'services': (string)[];
  /**
   * A node's own events and its tasks', by hostname, id or id prefix.
   */
  'nodes': (string)[];
  /**
   * create, update, remove, or a task's new state (running, shutdown, ...).
   */
  'events': (string)[];
  /**
   * Unix ms: earlier events from those this manager keeps, then the new ones; 0: new ones only.
   */
  'sinceMs': (number);
  /**
   * Unix ms: the stream ends at this time; 0: it goes on until the caller cancels it.
   */
  'untilMs': (number);
}
