/** The member's log keeps its newest snapshot's bytes in the snapshot's file, not in memory. */
import test from 'ava';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotUnavailableError } from '../../../../manager/raft/core/index.js';
import { LogStorage } from '../../../../manager/raft/node/log-storage.js';
import { Snapshotter, snapshotFileName } from '../../../../manager/raft/storage/index.js';
import { EntryType } from '../../../../manager/raft/types.js';
import { tempDir } from '../../helpers.js';

const confState = { voters: [1, 2, 3], learners: [] };
const entry = (index: number) => ({ index, term: 2, type: EntryType.Normal, data: Buffer.from(`e${index}`) });

test('a snapshot taken is read back from its file once written, and is unavailable until then', async (t) => {
  const dir = await tempDir(t);
  const storage = new LogStorage(dir);
  storage.append([1, 2, 3].map(entry));
  const data = Buffer.from('the state at 2');
  const snapshot = storage.createSnapshot(2, confState, data);
  t.deepEqual(snapshot.data, data, 'handed back whole, to be written');
  t.is(storage.snapshotBytes, data.length);
  t.deepEqual(storage.snapshotMetadata(), { index: 2, term: 2, confState });
  t.throws(() => storage.snapshot(), { instanceOf: SnapshotUnavailableError }, 'its file is not written yet');
  const files = await Snapshotter.open(dir);
  await files.save(snapshot);
  t.deepEqual(Buffer.from(storage.snapshot().data), data);
  t.deepEqual(storage.snapshot().metadata, snapshot.metadata);
  // Read from the file each time: gone, it is unavailable again.
  await rm(join(dir, 'snap', snapshotFileName(2, 2)));
  t.throws(() => storage.snapshot(), { instanceOf: SnapshotUnavailableError });
});

test('a snapshot installed from the leader keeps only its metadata in memory too', async (t) => {
  const dir = await tempDir(t);
  const storage = new LogStorage(dir);
  const snapshot = { metadata: { index: 7, term: 3, confState }, data: Buffer.from('the state at 7') };
  await (await Snapshotter.open(dir)).save(snapshot);
  storage.applySnapshot(snapshot);
  t.is(storage.snapshotBytes, snapshot.data.length);
  t.deepEqual(Buffer.from(storage.snapshot().data), snapshot.data);
  t.is(storage.firstIndex(), 8);
});

test('an empty log has the empty snapshot, with nothing to read', (t) => {
  const storage = new LogStorage('/nonexistent');
  t.is(storage.snapshot().metadata.index, 0);
  t.is(storage.snapshotBytes, 0);
});
