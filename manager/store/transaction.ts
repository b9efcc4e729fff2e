/**
 * A write transaction: reads see the state plus the transaction's own writes; the writes
 * become one changeset (at most one change per object) for the backend to commit.
 */
import { FlotillaError } from '../../lib/errors.js';
import type { Task } from '../../proto/types.js';
import { compareIds } from './sorted-ids.js';
import { isRunning, singular, type Change, type StoreState } from './state.js';
import type { NamedTable, Objects, Table, TaskKey, WriteTx } from './types.js';

type Pending = { kind: Change['kind']; object: Objects[Table]; expectedVersion: number };

export class Transaction implements WriteTx {
  private readonly pending = new Map<Table, Map<string, Pending>>();

  constructor(private readonly state: StoreState) {}

  get index(): number {
    return this.state.index;
  }

  get<T extends Table>(table: T, id: string): Objects[T] | undefined {
    const p = this.pending.get(table)?.get(id);
    if (p) return p.kind === 'delete' ? undefined : (p.object as Objects[T]);
    return this.state.get(table, id);
  }

  all<T extends Table>(table: T): Objects[T][] {
    const mine = this.pending.get(table);
    if (!mine) return this.state.all(table);
    const out = this.state.all(table).filter((o) => !mine.has(o.id));
    for (const p of mine.values()) if (p.kind !== 'delete') out.push(p.object as Objects[T]);
    return out;
  }

  tasksByService(serviceId: string): Task[] {
    return this.filtered('tasks', this.state.tasksByService(serviceId), (t) => t.serviceId === serviceId);
  }

  taskServiceIds(): Iterable<string> {
    const ids = new Set(this.state.taskServiceIds());
    for (const p of this.pending.get('tasks')?.values() ?? [])
      if (p.kind !== 'delete') ids.add((p.object as Task).serviceId);
    return ids;
  }

  tasksByNode(nodeId: string): Task[] {
    return this.filtered('tasks', this.state.tasksByNode(nodeId), (t) => t.nodeId === nodeId);
  }

  scan<T extends Table>(table: T, after = ''): Iterable<Objects[T]> {
    return this.merged(table, this.state.scan(table, after), after, () => true);
  }

  scanTasks(by: TaskKey, key: string, after = ''): Iterable<Task> {
    return this.merged('tasks', this.state.scanTasks(by, key, after), after, (t) => t[by] === key);
  }

  runningTasks(serviceId: string): number {
    let count = this.state.runningTasks(serviceId);
    for (const p of this.pending.get('tasks')?.values() ?? []) {
      const stored = this.state.get('tasks', p.object.id);
      if (stored?.serviceId === serviceId && isRunning(stored)) count--;
      const task = p.object as Task;
      if (p.kind !== 'delete' && task.serviceId === serviceId && isRunning(task)) count++;
    }
    return count;
  }

  byName<T extends NamedTable>(table: T, name: string): Objects[T] | undefined {
    if (!this.pending.has(table)) return this.state.byName(table, name);
    return this.all(table).find((o) => o.spec?.name === name);
  }

  create<T extends Table>(table: T, object: Objects[T]): void {
    if (this.get(table, object.id)) {
      throw new FlotillaError('ALREADY_EXISTS', `${singular(table)} ${object.id} already exists`);
    }
    const prior = this.pending.get(table)?.get(object.id);
    // Re-creating what this transaction deleted is an update of the stored object.
    this.put(
      table,
      prior
        ? { kind: 'update', object, expectedVersion: prior.expectedVersion }
        : { kind: 'create', object, expectedVersion: 0 },
    );
  }

  update<T extends Table>(table: T, object: Objects[T]): void {
    const current = this.get(table, object.id);
    if (!current) throw new FlotillaError('NOT_FOUND', `${singular(table)} ${object.id} not found`);
    const prior = this.pending.get(table)?.get(object.id);
    if (prior) {
      this.put(table, { ...prior, object });
      return;
    }
    this.put(table, { kind: 'update', object, expectedVersion: object.meta?.version ?? 0 });
  }

  delete(table: Table, id: string): void {
    const prior = this.pending.get(table)?.get(id);
    if (prior?.kind === 'create') {
      this.pending.get(table)?.delete(id);
      return;
    }
    const current = this.get(table, id);
    if (!current) return;
    this.put(table, {
      kind: 'delete',
      object: current,
      expectedVersion: prior?.expectedVersion ?? current.meta?.version ?? 0,
    });
  }

  changes(): Change[] {
    const out: Change[] = [];
    for (const [table, byId] of this.pending) {
      for (const p of byId.values()) out.push({ table, ...p } as Change);
    }
    return out;
  }

  private put(table: Table, p: Pending): void {
    let byId = this.pending.get(table);
    if (!byId) this.pending.set(table, (byId = new Map()));
    byId.set(p.object.id, p);
  }

  private filtered<T extends Table>(
    table: T,
    stored: Objects[T][],
    match: (o: Objects[T]) => boolean,
  ): Objects[T][] {
    const mine = this.pending.get(table);
    if (!mine) return stored;
    const out = stored.filter((o) => !mine.has(o.id));
    for (const p of mine.values()) {
      if (p.kind !== 'delete' && match(p.object as Objects[T])) out.push(p.object as Objects[T]);
    }
    return out;
  }

  /** A stored scan in id order with this transaction's writes in their places. */
  private *merged<T extends Table>(
    table: T,
    stored: Iterable<Objects[T]>,
    after: string,
    match: (o: Objects[T]) => boolean,
  ): Iterable<Objects[T]> {
    const mine = this.pending.get(table);
    if (!mine) return yield* stored;
    const written: Objects[T][] = [];
    for (const p of mine.values()) {
      const o = p.object as Objects[T];
      if (p.kind !== 'delete' && o.id > after && match(o)) written.push(o);
    }
    written.sort((a, b) => compareIds(a.id, b.id));
    let w = 0;
    for (const o of stored) {
      while (w < written.length && written[w]!.id < o.id) yield written[w++]!;
      // Its pending version (if any, and still a match) comes from `written`.
      if (!mine.has(o.id)) yield o;
    }
    while (w < written.length) yield written[w++]!;
  }
}
