/**
 * A changeset as bytes, for a replicated log: each change names its table by the object it
 * carries, and the write carries the proposer's clock.
 */
import { codec } from '../../proto/load.js';
import type { StoreChange, StoreWrite } from '../../proto/types.js';
import type { Change } from './state.js';
import type { Objects, Table } from './types.js';

const writeCodec = codec<StoreWrite>('flotilla.StoreWrite');

const FIELD = { clusters: 'cluster', nodes: 'node', services: 'service', tasks: 'task' } as const;
type Field = (typeof FIELD)[Table];
const TABLE_OF = Object.fromEntries(Object.entries(FIELD).map(([t, f]) => [f, t])) as Record<Field, Table>;

const KIND = { create: 'CREATE', update: 'UPDATE', delete: 'DELETE' } as const;
const KIND_OF = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' } as const;

export function encodeWrite(changes: readonly Change[], nowMs: number): Uint8Array {
  return writeCodec.encode({
    nowMs,
    changes: changes.map((c) => ({
      kind: KIND[c.kind],
      expectedVersion: c.expectedVersion,
      [FIELD[c.table]]: c.object,
    })) as StoreChange[],
  });
}

export function decodeWrite(data: Uint8Array): { changes: Change[]; nowMs: number } {
  const write = writeCodec.decode(data);
  const changes = write.changes.map((c) => {
    const field = c.object!;
    return {
      kind: KIND_OF[c.kind],
      table: TABLE_OF[field],
      object: c[field] as Objects[Table],
      expectedVersion: c.expectedVersion,
    } as Change;
  });
  return { changes, nowMs: write.nowMs };
}
