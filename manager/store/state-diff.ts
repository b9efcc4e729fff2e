import { TABLES, type StoreEvent, type StoreSnapshotData } from './types.js';
import type { StoreState } from './state.js';

/**
 * The events that take a watcher from `before` to `after` when the state was replaced as a
 * whole (a snapshot from the Raft leader, or a fresh read from etcd), so that watches see no
 * gap and never go back.
 */
export function diffEvents(before: StoreSnapshotData, after: StoreState): StoreEvent[] {
  const events: StoreEvent[] = [];
  const index = after.index;
  for (const table of TABLES) {
    const old = new Map(before[table].map((o) => [o.id, o]));
    for (const object of after.all(table)) {
      const prior = old.get(object.id);
      old.delete(object.id);
      if (!prior) events.push({ kind: 'create', table, object, index } as StoreEvent);
      else if (prior.meta?.version !== object.meta?.version) {
        events.push({ kind: 'update', table, object, old: prior, index } as StoreEvent);
      }
    }
    for (const object of old.values()) events.push({ kind: 'delete', table, object, index } as StoreEvent);
  }
  return events;
}
