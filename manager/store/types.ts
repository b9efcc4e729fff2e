/**
 * The store every control loop sees: typed objects in tables, read in consistent views,
 * written in transactions that resolve once durable, and watched as a stream of events.
 */
import type { Cluster, Config, Network, Node, Secret, Service, Task } from '../../proto/types.js';

export interface Objects {
  clusters: Cluster;
  nodes: Node;
  services: Service;
  tasks: Task;
  networks: Network;
  secrets: Secret;
  configs: Config;
}
export type Table = keyof Objects;
export const TABLES: readonly Table[] = [
  'clusters',
  'nodes',
  'services',
  'tasks',
  'networks',
  'secrets',
  'configs',
];
/** The tables whose objects have a name (`spec.name`) unique in the table. */
export type NamedTable = 'services' | 'networks' | 'secrets' | 'configs';
export const NAMED_TABLES: readonly NamedTable[] = ['services', 'networks', 'secrets', 'configs'];

/** The task fields with an index: a page of one service's or one node's tasks. */
export type TaskKey = 'serviceId' | 'nodeId';

export interface ReadTx {
  /** Index of the last applied change; object versions are indexes too. */
  readonly index: number;
  get<T extends Table>(table: T, id: string): Objects[T] | undefined;
  all<T extends Table>(table: T): Objects[T][];
  tasksByService(serviceId: string): Task[];
  tasksByNode(nodeId: string): Task[];
  /** The ids of the services that tasks name, each once (a removed service's too, while its tasks stay). */
  taskServiceIds(): Iterable<string>;
  /**
   * The objects of `table` in id order, from the first id after `after` ('': from the start).
   * Lazy, and cheap to stop early (a page costs its rows): read it within the view.
   */
  scan<T extends Table>(table: T, after?: string): Iterable<Objects[T]>;
  /** The tasks whose `by` is `key` (a service's, a node's), in id order after `after`, as scan. */
  scanTasks(by: TaskKey, key: string, after?: string): Iterable<Task>;
  /** How many of a service's tasks are meant to run and run (kept as a count, not counted). */
  runningTasks(serviceId: string): number;
  byName<T extends NamedTable>(table: T, name: string): Objects[T] | undefined;
}

export interface WriteTx extends ReadTx {
  /** Adds a new object; fails with ALREADY_EXISTS if the id (or the name, in a named table) is taken. */
  create<T extends Table>(table: T, object: Objects[T]): void;
  /**
   * Replaces an object. Its meta.version must be the version currently stored
   * (optimistic concurrency): otherwise the transaction fails with CONFLICT.
   */
  update<T extends Table>(table: T, object: Objects[T]): void;
  delete(table: Table, id: string): void;
}

export type EventKind = 'create' | 'update' | 'delete';

export type StoreEvent = {
  [T in Table]: {
    kind: EventKind;
    table: T;
    /** The object after the change (before it, for a delete). */
    object: Objects[T];
    old?: Objects[T];
    index: number;
  };
}[Table];

export interface EventFilter {
  tables?: Table[];
  kinds?: EventKind[];
}

export interface Store {
  view<T>(fn: (tx: ReadTx) => T): T;
  /** Runs fn against the current state and commits its writes; resolves once durable. */
  update<T>(fn: (tx: WriteTx) => T): Promise<T>;
  /**
   * Events after the moment of the call (registration is synchronous, so a `view` just
   * before it and the events it yields together see every change exactly once).
   */
  watch(filter: EventFilter, signal: AbortSignal): AsyncIterable<StoreEvent>;
  snapshot(): StoreSnapshotData;
  /** Waits until views show every write committed before the call: a linearizable read point. */
  readBarrier(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreSnapshotData {
  index: number;
  clusters: Cluster[];
  nodes: Node[];
  services: Service[];
  tasks: Task[];
  networks: Network[];
  secrets: Secret[];
  configs: Config[];
}
