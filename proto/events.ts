/**
 * What `cluster events` reports and may filter on: the type of each event, by the store table
 * its object lives in, and its action (the kind of change, or the state a task moved to). The
 * managers make events of these; the CLI checks its filters against them.
 */
import type { WatchEventsRequest } from './gen/flotilla/WatchEventsRequest.js';
import { TaskStates } from './types.js';

/** The tables that make events, and their events' type. */
export const EVENT_TYPE_OF_TABLE = {
  services: 'service',
  tasks: 'task',
  nodes: 'node',
  networks: 'network',
  secrets: 'secret',
  configs: 'config',
} as const;
export const EVENT_TYPES: readonly string[] = Object.values(EVENT_TYPE_OF_TABLE);

/** The kinds of change an event reports (a task's also says the state it moved to). */
export const EVENT_KINDS: readonly string[] = ['create', 'update', 'remove'];
/** What `events` filters may name: the kinds of change, and the states a task may move to. */
export const EVENT_ACTIONS: readonly string[] = [
  ...EVENT_KINDS,
  ...Object.keys(TaskStates).map((s) => s.toLowerCase()),
];

/** A request for events that filters on nothing but what `fields` set (0: no time bound). */
export function watchRequest(fields: Partial<WatchEventsRequest> = {}): WatchEventsRequest {
  return {
    types: [],
    names: [],
    ids: [],
    services: [],
    nodes: [],
    events: [],
    sinceMs: 0,
    untilMs: 0,
    ...fields,
  };
}
