/**
 * The store's state as the bytes of one flotilla.StoreSnapshot, encoded a run of objects at
 * a time with a turn of the event loop between slices, so that a manager holding many tasks
 * goes on answering (heartbeats, appends) while it takes a snapshot.
 *
 * Each run is a message of its own, finished at once: protobuf reads messages written one
 * after another as one message whose repeated fields hold the runs' objects in order. One
 * encoder over the whole state instead keeps an operation per field written until the end,
 * then writes them all in one step: for 100,000 tasks, hundreds of MiB held and the event
 * loop held for seconds.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { codec } from '../../proto/load.js';
import type { StoreSnapshot } from '../../proto/types.js';
import { TABLES, type StoreSnapshotData } from './types.js';

export const snapshotCodec = codec<StoreSnapshot>('flotilla.StoreSnapshot');

/** Objects a run: enough that a run's own bytes are little beside its objects'. */
const RUN = 64;

export async function encodeSnapshot(data: StoreSnapshotData, sliceMs = 5): Promise<Uint8Array> {
  const runs: Uint8Array[] = [snapshotCodec.encode({ index: data.index } as StoreSnapshot)];
  let yieldAt = performance.now() + sliceMs;
  for (const table of TABLES) {
    const objects = data[table];
    for (let i = 0; i < objects.length; i += RUN) {
      runs.push(snapshotCodec.encode({ [table]: objects.slice(i, i + RUN) } as unknown as StoreSnapshot));
      if (performance.now() >= yieldAt) {
        await nextTurn();
        yieldAt = performance.now() + sliceMs;
      }
    }
  }
  return Buffer.concat(runs);
}
