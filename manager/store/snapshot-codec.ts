/**
 * The store's state as the bytes of one flotilla.StoreSnapshot, encoded and decoded a run of
 * objects at a time with a turn of the event loop between slices, so that a manager holding
 * many tasks goes on answering (heartbeats, appends) while it takes or installs a snapshot.
 *
 * Each run is a message of its own, finished at once: protobuf reads messages written one
 * after another as one message whose repeated fields hold the runs' objects in order. One
 * encoder over the whole state instead keeps an operation per field written until the end,
 * then writes them all in one step: for 100,000 tasks, hundreds of MiB held and the event
 * loop held for seconds. The runs are handed on as they are (see encodeSnapshotData in
 * manager/raft/node/members.ts), not joined here: joining 35 MiB at once held the loop too.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import protobuf from 'protobufjs';
import { FlotillaError } from '../../lib/errors.js';
import { codec, type Codec } from '../../proto/load.js';
import type { StoreSnapshot } from '../../proto/types.js';
import { StoreState } from './state.js';
import { TABLES, type Objects, type StoreSnapshotData, type Table } from './types.js';

export const snapshotCodec = codec<StoreSnapshot>('flotilla.StoreSnapshot');

/** Objects a run: enough that a run's own bytes are little beside its objects'. */
const RUN = 64;
/**
 * Objects encoded or decoded in one turn at most, however fast the clock says it goes: the
 * bound on a turn is work, so that it holds on a loaded machine too.
 */
export const OBJECTS_A_TURN = 1024;

/**
 * Says when to give the event loop a turn: once `sliceMs` have passed or `OBJECTS_A_TURN`
 * objects are done since the last one.
 */
export class Slicer {
  private yieldAt: number;
  private done = 0;
  constructor(private readonly sliceMs = 5) {
    this.yieldAt = performance.now() + sliceMs;
  }
  /** Counts `objects` done; true when a turn is due now (and counts from there on). */
  due(objects: number): boolean {
    this.done += objects;
    if (this.done < OBJECTS_A_TURN && performance.now() < this.yieldAt) return false;
    this.done = 0;
    this.yieldAt = performance.now() + this.sliceMs;
    return true;
  }
}

/** The state as runs of bytes that, one after another, are one StoreSnapshot. */
export async function encodeSnapshotRuns(data: StoreSnapshotData, sliceMs = 5): Promise<Uint8Array[]> {
  const runs: Uint8Array[] = [snapshotCodec.encode({ index: data.index } as StoreSnapshot)];
  const slicer = new Slicer(sliceMs);
  for (const table of TABLES) {
    const objects = data[table];
    for (let i = 0; i < objects.length; i += RUN) {
      const run = objects.slice(i, i + RUN);
      runs.push(snapshotCodec.encode({ [table]: run } as unknown as StoreSnapshot));
      if (slicer.due(run.length)) await nextTurn();
    }
  }
  return runs;
}

/** The state as one StoreSnapshot's bytes. */
export async function encodeSnapshot(data: StoreSnapshotData, sliceMs = 5): Promise<Uint8Array> {
  return Buffer.concat(await encodeSnapshotRuns(data, sliceMs));
}

/** Each table's StoreSnapshot field number (proto/flotilla/store.proto) and object codec. */
const FIELDS = new Map<number, { table: Table; codec: Codec<Objects[Table]> }>([
  [2, { table: 'clusters', codec: codec('flotilla.Cluster') }],
  [3, { table: 'nodes', codec: codec('flotilla.Node') }],
  [4, { table: 'services', codec: codec('flotilla.Service') }],
  [5, { table: 'tasks', codec: codec('flotilla.Task') }],
  [6, { table: 'networks', codec: codec('flotilla.Network') }],
  [7, { table: 'secrets', codec: codec('flotilla.Secret') }],
  [8, { table: 'configs', codec: codec('flotilla.Config') }],
]);
const INDEX_FIELD = 1;
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * A StoreSnapshot's bytes decoded an object at a time, with a turn of the event loop between
 * slices: the same objects as snapshotCodec.decode gives, which holds the loop for seconds
 * at 100,000 tasks. Fields it does not know are skipped, as protobuf does.
 */
export async function decodeSnapshot(bytes: Uint8Array, sliceMs = 5): Promise<StoreSnapshotData> {
  // The fields in the order snapshotCodec.decode gives them.
  const out = {} as StoreSnapshotData;
  for (const table of TABLES) (out[table] as Objects[Table][]) = [];
  out.index = 0;
  const slicer = new Slicer(sliceMs);
  const reader = protobuf.Reader.create(bytes);
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = FIELDS.get(tag >>> 3);
      const wireType = tag & 7;
      if (tag >>> 3 === INDEX_FIELD && wireType === VARINT) {
        out.index = Number(reader.uint64().toString());
      } else if (field && wireType === LENGTH_DELIMITED) {
        const length = reader.uint32();
        const end = reader.pos + length;
        if (end > reader.len) throw new RangeError(`an object runs past the end (${end} > ${reader.len})`);
        (out[field.table] as Objects[Table][]).push(field.codec.decode(bytes.subarray(reader.pos, end)));
        reader.pos = end;
        if (slicer.due(1)) await nextTurn();
      } else {
        reader.skipType(wireType);
      }
    }
  } catch (err) {
    throw new FlotillaError('CORRUPT', `cannot decode the store snapshot: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return out;
}

/**
 * A state built from a StoreSnapshot's bytes, decoded and restored a slice at a time into a
 * StoreState of its own (a state restored in place would be read half-built meanwhile).
 */
export async function restoreSnapshot(bytes: Uint8Array, sliceMs = 5): Promise<StoreState> {
  const state = new StoreState();
  const slicer = new Slicer(sliceMs);
  for (const _ of state.restoring(await decodeSnapshot(bytes, sliceMs))) {
    if (slicer.due(1)) await nextTurn();
  }
  return state;
}
