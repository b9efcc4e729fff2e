/**
 * The tables and indexes in memory, and the one way they change: applying a changeset at
 * an index. Every backend applies the same changesets in the same order, so every manager
 * ends with the same state.
 */
import { FlotillaError } from '../../lib/errors.js';
import type { Meta, Task } from '../../proto/types.js';
import { frozenCopy } from './frozen-copy.js';
import { SharedStrings, SharedValues } from './shared-values.js';
import { SortedIds } from './sorted-ids.js';
import {
  NAMED_TABLES,
  TABLES,
  type NamedTable,
  type Objects,
  type ReadTx,
  type StoreEvent,
  type StoreSnapshotData,
  type Table,
  type TaskKey,
} from './types.js';

export type Change = {
  [T in Table]: {
    kind: 'create' | 'update' | 'delete';
    table: T;
    object: Objects[T];
    /** The version the writer read (update, delete); 0 for create. */
    expectedVersion: number;
  };
}[Table];

type Tables = { [T in Table]: Map<string, Objects[T]> };
/** Each table's ids in order, for listings that page. */
type Orders = Record<Table, SortedIds>;

/** A key's ids, in id order (so a page of one service's or node's tasks starts anywhere). */
class Index {
  private readonly byKey = new Map<string, SortedIds>();
  add(key: string, id: string): void {
    if (!key) return;
    let ids = this.byKey.get(key);
    if (!ids) this.byKey.set(key, (ids = new SortedIds()));
    ids.add(id);
  }
  remove(key: string, id: string): void {
    const ids = this.byKey.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.byKey.delete(key);
  }
  keys(): Iterable<string> {
    return this.byKey.keys();
  }
  get(key: string, after = ''): Iterable<string> {
    return this.byKey.get(key)?.after(after) ?? [];
  }
}

export class StoreState implements ReadTx {
  index = 0;
  private tables: Tables = emptyTables();
  private orders: Orders = emptyOrders();
  private tasksByServiceIdx = new Index();
  private tasksByNodeIdx = new Index();
  /** Per service, its tasks meant to run that run (`service ls` shows it for every service). */
  private running = new Map<string, number>();
  /** Per named table, each name's object id. */
  private names = emptyNames();
  /** The specs and endpoints that the tasks of one service version hold alike. */
  private shared = new SharedValues();
  /** Status messages that tasks hold alike. */
  private readonly words = new SharedStrings();

  get<T extends Table>(table: T, id: string): Objects[T] | undefined {
    return this.tables[table].get(id);
  }

  /** How many objects the table holds. */
  count(table: Table): number {
    return this.tables[table].size;
  }

  all<T extends Table>(table: T): Objects[T][] {
    return [...this.tables[table].values()];
  }

  *scan<T extends Table>(table: T, after = ''): Iterable<Objects[T]> {
    const objects = this.tables[table];
    for (const id of this.orders[table].after(after)) yield objects.get(id) as Objects[T];
  }

  *scanTasks(by: TaskKey, key: string, after = ''): Iterable<Task> {
    const index = by === 'serviceId' ? this.tasksByServiceIdx : this.tasksByNodeIdx;
    for (const id of index.get(key, after)) yield this.tables.tasks.get(id) as Task;
  }

  runningTasks(serviceId: string): number {
    return this.running.get(serviceId) ?? 0;
  }

  tasksByService(serviceId: string): Task[] {
    return [...this.tasksByServiceIdx.get(serviceId)].map((id) => this.tables.tasks.get(id) as Task);
  }

  taskServiceIds(): Iterable<string> {
    return this.tasksByServiceIdx.keys();
  }

  tasksByNode(nodeId: string): Task[] {
    return [...this.tasksByNodeIdx.get(nodeId)].map((id) => this.tables.tasks.get(id) as Task);
  }

  byName<T extends NamedTable>(table: T, name: string): Objects[T] | undefined {
    const id = this.names[table].get(name);
    return id === undefined ? undefined : this.tables[table].get(id);
  }

  /** Checks a changeset against the current state without changing anything. */
  validate(changes: Change[]): void {
    for (const c of changes) {
      const current = this.get(c.table, c.object.id);
      if (c.kind === 'create') {
        if (current)
          throw new FlotillaError('ALREADY_EXISTS', `${singular(c.table)} ${c.object.id} already exists`);
      } else if (!current) {
        // A delete too: a writer told that it removed something must have removed it.
        throw new FlotillaError('CONFLICT', `${singular(c.table)} ${c.object.id} was removed meanwhile`);
      } else if ((current.meta?.version ?? 0) !== c.expectedVersion) {
        throw new FlotillaError(
          'CONFLICT',
          `${singular(c.table)} ${c.object.id} changed meanwhile (version ${current.meta?.version}, expected ${c.expectedVersion}); read it again and retry`,
        );
      }
    }
    for (const table of NAMED_TABLES) this.validateNames(table, changes);
  }

  /**
   * Names stay unique in their table after the changeset as a whole: a name may be taken by
   * an object that the same changeset renames or removes, but never by two objects.
   */
  private validateNames(table: NamedTable, changes: Change[]): void {
    const changed = new Set<string>();
    for (const c of changes) if (c.table === table) changed.add(c.object.id);
    if (changed.size === 0) return;
    const claimed = new Map<string, string>();
    for (const c of changes) {
      if (c.table !== table || c.kind === 'delete') continue;
      const name = c.object.spec?.name ?? '';
      const owner = claimed.get(name) ?? this.names[table].get(name);
      if (owner !== undefined && owner !== c.object.id && (claimed.has(name) || !changed.has(owner))) {
        throw new FlotillaError(
          'ALREADY_EXISTS',
          `a ${singular(table)} named ${JSON.stringify(name)} already exists`,
        );
      }
      claimed.set(name, c.object.id);
    }
  }

  /** Validates and applies a changeset as the write at `index`; returns the events it makes. */
  apply(changes: Change[], index: number, now: number): StoreEvent[] {
    this.validate(changes);
    const events: StoreEvent[] = [];
    for (const c of changes) {
      const old = this.get(c.table, c.object.id);
      if (c.kind === 'delete') {
        if (!old) continue;
        this.unindex(c.table, old);
        this.tables[c.table].delete(c.object.id);
        this.orders[c.table].delete(c.object.id);
        events.push({ kind: 'delete', table: c.table, object: old, index } as StoreEvent);
        continue;
      }
      const object = this.keep(c.table, c.object, {
        version: index,
        createdAt: old?.meta?.createdAt ?? now,
        updatedAt: now,
      });
      if (old) this.unindex(c.table, old);
      (this.tables[c.table] as Map<string, typeof object>).set(object.id, object);
      if (!old) this.orders[c.table].add(object.id);
      this.indexObject(c.table, object);
      events.push({ kind: c.kind, table: c.table, object, old, index } as StoreEvent);
    }
    this.index = index;
    return events;
  }

  snapshot(): StoreSnapshotData {
    return {
      index: this.index,
      clusters: this.all('clusters'),
      nodes: this.all('nodes'),
      services: this.all('services'),
      tasks: this.all('tasks'),
      networks: this.all('networks'),
      secrets: this.all('secrets'),
      configs: this.all('configs'),
    };
  }

  /** Replaces the whole state with a snapshot's. */
  restore(snap: StoreSnapshotData): void {
    for (const _ of this.restoring(snap));
  }

  /**
   * restore() a step at a time: the generator yields after each object taken in, so that a
   * caller can give the event loop a turn between slices of a large snapshot. The state is
   * only whole once it is done: restore into a state of its own and swap it in then.
   */
  *restoring(snap: StoreSnapshotData): Generator<void, void, undefined> {
    this.tables = emptyTables();
    this.orders = emptyOrders();
    this.tasksByServiceIdx = new Index();
    this.tasksByNodeIdx = new Index();
    this.running = new Map();
    this.names = emptyNames();
    this.shared = new SharedValues();
    // Nodes and services come before tasks, so a task's ids can be the stored ones.
    for (const table of TABLES) {
      // A snapshot from before a table existed has none of its objects.
      for (const object of snap[table] ?? []) {
        const frozen = this.keep(table, object);
        (this.tables[table] as Map<string, typeof frozen>).set(frozen.id, frozen);
        // One insert at a time rather than one sort at the end: a sort of a million ids
        // would be one step of a second.
        this.orders[table].add(frozen.id);
        this.indexObject(table, frozen);
        yield;
      }
    }
    this.index = snap.index;
  }

  /**
   * The frozen copy of `object` that the store keeps (see frozen-copy.ts), with `meta` when
   * given. A task shares its spec and endpoint with the other tasks of its service version,
   * and holds the stored service's and node's id strings rather than copies of its own.
   */
  private keep<T extends Table>(table: T, object: Objects[T], meta?: Meta): Objects[T] {
    const fields: Partial<Record<string, unknown>> = meta ? { meta: frozenCopy(meta) } : {};
    if (table === 'tasks') {
      const task = object as Task;
      const service = this.tables.services.get(task.serviceId);
      if (service) fields.serviceId = service.id;
      if (service?.spec && task.serviceName === service.spec.name) fields.serviceName = service.spec.name;
      const node = this.tables.nodes.get(task.nodeId);
      if (node) fields.nodeId = node.id;
      if (task.spec) fields.spec = this.shared.take(sharedKey(task, 'spec'), task.spec);
      if (task.endpoint) fields.endpoint = this.shared.take(sharedKey(task, 'endpoint'), task.endpoint);
      const message = task.status?.message;
      if (typeof message === 'string')
        fields.status = frozenCopy(task.status, { message: this.words.take(message) });
    }
    return frozenCopy(object, fields);
  }

  private indexObject(table: Table, object: Objects[Table]): void {
    if (table === 'tasks') {
      const task = object as Task;
      this.tasksByServiceIdx.add(task.serviceId, task.id);
      this.tasksByNodeIdx.add(task.nodeId, task.id);
      if (isRunning(task)) this.running.set(task.serviceId, this.runningTasks(task.serviceId) + 1);
    } else if (isNamed(table)) {
      this.names[table].set((object as Objects[NamedTable]).spec?.name ?? '', object.id);
    }
  }

  private unindex(table: Table, object: Objects[Table]): void {
    if (table === 'tasks') {
      const task = object as Task;
      this.tasksByServiceIdx.remove(task.serviceId, task.id);
      this.tasksByNodeIdx.remove(task.nodeId, task.id);
      if (task.spec) this.shared.release(sharedKey(task, 'spec'), task.spec);
      if (task.endpoint) this.shared.release(sharedKey(task, 'endpoint'), task.endpoint);
      if (isRunning(task)) {
        const left = this.runningTasks(task.serviceId) - 1;
        if (left) this.running.set(task.serviceId, left);
        else this.running.delete(task.serviceId);
      }
    } else if (isNamed(table)) {
      const name = (object as Objects[NamedTable]).spec?.name ?? '';
      // The name may already belong to an object that took it in the same changeset.
      if (this.names[table].get(name) === object.id) this.names[table].delete(name);
    }
  }
}

function emptyTables(): Tables {
  return {
    clusters: new Map(),
    nodes: new Map(),
    services: new Map(),
    tasks: new Map(),
    networks: new Map(),
    secrets: new Map(),
    configs: new Map(),
  };
}

function emptyOrders(): Orders {
  const orders = {} as Orders;
  for (const table of TABLES) orders[table] = new SortedIds();
  return orders;
}

function emptyNames(): Record<NamedTable, Map<string, string>> {
  return { services: new Map(), networks: new Map(), secrets: new Map(), configs: new Map() };
}

/** Where the value a task's service version shares in `field` is kept. */
function sharedKey(task: Task, field: 'spec' | 'endpoint'): string {
  return `${field} ${task.serviceId} ${task.specVersion}`;
}

/** A task meant to run that runs. */
export function isRunning(task: Task): boolean {
  return task.desiredState === 'RUNNING' && task.status?.state === 'RUNNING';
}

function isNamed(table: Table): table is NamedTable {
  return (NAMED_TABLES as readonly Table[]).includes(table);
}

export function singular(table: Table): string {
  return table.slice(0, -1);
}
