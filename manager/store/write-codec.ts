/**
 * A changeset as bytes, for a replicated log: each change names its table by the object it
 * carries, and the write carries the proposer's clock.
 */
import { describeError, FlotillaError } from '../../lib/errors.js';
import { codec } from '../../proto/load.js';
import type { StoreChange, StoreWrite } from '../../proto/types.js';
import type { Change } from './state.js';
import type { Objects, Table } from './types.js';

const writeCodec = codec<StoreWrite>('flotilla.StoreWrite');

const FIELD = {
  clusters: 'cluster',
  nodes: 'node',
  services: 'service',
  tasks: 'task',
  networks: 'network',
  secrets: 'secret',
  configs: 'config',
} as const;
type Field = (typeof FIELD)[Table];
const TABLE_OF = Object.fromEntries(Object.entries(FIELD).map(([t, f]) => [f, t])) as Record<Field, Table>;

const KIND = { create: 'CREATE', update: 'UPDATE', delete: 'DELETE' } as const;
const KIND_OF: Partial<Record<string | number, Change['kind']>> = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'delete',
};

/** A changeset and the proposer's clock, as a log entry carries them. */
export interface Write {
  changes: Change[];
  nowMs: number;
}

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

/**
 * The write in a log entry. Throws CORRUPT when the bytes are not one as encodeWrite makes
 * them (at least one change, each of a known kind and with an object): a log may hold such an
 * entry (garbage, a bug), and every manager must refuse it alike.
 */
export function decodeWrite(data: Uint8Array): Write {
  const write = parseWrite(data);
  if (write.changes.length === 0) throw corrupt('it holds no change');
  return { changes: write.changes.map(decodeChange), nowMs: write.nowMs };
}

function parseWrite(data: Uint8Array): StoreWrite {
  try {
    return writeCodec.decode(data);
  } catch (err) {
    throw corrupt(describeError(err), err);
  }
}

function decodeChange(c: StoreChange): Change {
  // An unknown kind decodes as its number.
  const kind = KIND_OF[c.kind];
  const field = c.object;
  if (kind === undefined) throw corrupt(`a change has the unknown kind ${c.kind}`);
  if (field === undefined) throw corrupt('a change carries no object');
  return {
    kind,
    table: TABLE_OF[field],
    object: c[field] as Objects[Table],
    expectedVersion: c.expectedVersion,
  } as Change;
}

const corrupt = (why: string, cause?: unknown): FlotillaError =>
  new FlotillaError('CORRUPT', `store write does not decode: ${why}`, { cause });
