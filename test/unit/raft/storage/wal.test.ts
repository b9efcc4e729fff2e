import test from 'ava';
import { isFlotillaError } from '../../../../lib/errors.js';
import { EntryType } from '../../../../manager/raft/types.js';
import { Wal } from '../../../../manager/raft/storage/wal.js';
import { entries, entry, recoverWal, segmentFiles, tempDir, warnings } from './helpers.js';

test('entries and hard state survive close and reopen', async (t) => {
  const dir = await tempDir(t);
  const { wal, state } = await Wal.open(dir);
  t.deepEqual(state, { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] });
  const written = [
    ...entries(1, 5),
    { index: 6, term: 2, type: EntryType.ConfChange, data: new Uint8Array() },
  ];
  await wal.save({ term: 2, vote: 3, commit: 4 }, written, true);
  await wal.close();

  const reopened = await Wal.open(dir);
  t.deepEqual(reopened.state.entries, written);
  t.deepEqual(reopened.state.hardState, { term: 2, vote: 3, commit: 4 });
  t.is(reopened.wal.lastIndex, 6);
  await reopened.wal.save(undefined, entries(7, 8, 2), true);
  await reopened.wal.close();
  t.deepEqual(
    (await recoverWal(dir)).entries.map((e) => e.index),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('a later entry at an index replaces it and discards everything after it', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 10, 1), false);
  await wal.save(undefined, entries(6, 7, 2), true);
  await wal.close();
  const { wal: again, state } = await Wal.open(dir);
  t.deepEqual(state.entries, [...entries(1, 5, 1), ...entries(6, 7, 2)]);
  // and again after a reopen, reaching back further
  await again.save(undefined, [entry(3, 3)], true);
  await again.close();
  const { wal: last, state: final } = await Wal.open(dir);
  t.deepEqual(final.entries, [...entries(1, 2, 1), entry(3, 3)]);
  await last.close();
});

test('save rejects entries that would leave a gap, and the log stays usable', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 3), true);
  await t.throwsAsync(wal.save(undefined, [entry(5)], true), { message: /entry index 5 does not continue/ });
  await t.throwsAsync(wal.save(undefined, [entry(4), entry(6)], true), { message: /expected 5/ });
  await wal.save(undefined, entries(4, 5), true);
  await wal.close();
  t.is((await recoverWal(dir)).entries.length, 5);
});

test('concurrent saves all become durable (group commit)', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await Promise.all(entries(1, 64).map((e) => wal.save({ term: 1, vote: 1, commit: e.index }, [e], true)));
  await wal.close();
  const state = await recoverWal(dir);
  t.deepEqual(state.entries, entries(1, 64));
  t.is(state.hardState.commit, 64);
});

test('concurrent saves keep their order, overwrites included', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await Promise.all([
    wal.save({ term: 1, vote: 1, commit: 0 }, entries(1, 5, 1), false),
    wal.save(undefined, entries(3, 4, 2), true),
    wal.save({ term: 2, vote: 1, commit: 2 }, [entry(5, 2)], true),
  ]);
  await wal.close();
  const state = await recoverWal(dir);
  t.deepEqual(state.entries, [...entries(1, 2, 1), ...entries(3, 5, 2)]);
  t.deepEqual(state.hardState, { term: 2, vote: 1, commit: 2 });
});

test('saves in flight when close() is called still resolve, and are durable', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  const saves = entries(1, 16).map((e) => wal.save(undefined, [e], true));
  await wal.close();
  await Promise.all(saves);
  t.deepEqual((await recoverWal(dir)).entries, entries(1, 16));
});

test('segments roll over and releaseTo deletes those a snapshot covers, keeping the hard state', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 1024 });
  await wal.save({ term: 1, vote: 2, commit: 0 }, [], true);
  for (let i = 1; i <= 200; i += 4) await wal.save(undefined, entries(i, i + 3, 1, 64), false);
  await wal.sync();
  const before = await segmentFiles(dir);
  t.true(before.length > 10);
  t.deepEqual(wal.segmentPaths(), before);

  await wal.saveSnapshotMarker({ index: 100, term: 1 });
  await wal.releaseTo(100);
  const after = await segmentFiles(dir);
  t.true(after.length < before.length);
  t.deepEqual(after, before.slice(before.length - after.length), 'only the oldest segments go');
  await wal.close();

  const { wal: reopened, state } = await Wal.open(dir, { snapshot: { index: 100, term: 1 } });
  t.deepEqual(state.entries, entries(101, 200, 1, 64));
  t.deepEqual(state.hardState, { term: 1, vote: 2, commit: 0 });
  t.deepEqual(state.snapshot, { index: 100, term: 1 });
  await reopened.close();
});

test('a snapshot marker whose term differs from the log drops the diverged entries after it', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 10, 1), true);
  // a snapshot from the leader at index 8 term 3 replaces this log; then new entries follow
  await wal.saveSnapshotMarker({ index: 8, term: 3 });
  await wal.save(undefined, [entry(9, 3)], true);
  await wal.close();
  const { wal: w, state } = await Wal.open(dir, { snapshot: { index: 8, term: 3 } });
  t.deepEqual(state.entries, [entry(9, 3)]);
  await w.close();
});

test('a crash between a received snapshot file and its marker still drops the diverged log', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 10, 1), true);
  await wal.close();
  const w = warnings();
  const { wal: again, state } = await Wal.open(dir, { snapshot: { index: 8, term: 3 }, warn: w.warn });
  t.deepEqual(state.entries, []);
  t.regex(w.messages.join('\n'), /dropped 2 WAL entries after index 8/);
  await again.close();
});

test('recovering from an older snapshot works while the log still holds what the newer covered', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 20, 2), true);
  await wal.saveSnapshotMarker({ index: 10, term: 2 });
  await wal.saveSnapshotMarker({ index: 15, term: 2 });
  await wal.close();
  const { wal: w, state } = await Wal.open(dir, { snapshot: { index: 10, term: 2 } });
  t.deepEqual(state.entries, entries(11, 20, 2));
  t.deepEqual(state.snapshot, { index: 10, term: 2 });
  await w.close();
});

test('a marker of a lost snapshot that replaced the log is CORRUPT', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save(undefined, entries(1, 5, 1), true);
  await wal.saveSnapshotMarker({ index: 50, term: 4 });
  await wal.save(undefined, [entry(51, 4)], true);
  await wal.close();
  const err = await t.throwsAsync(Wal.open(dir));
  t.true(isFlotillaError(err, 'CORRUPT'));
  t.regex(err?.message ?? '', /snapshot at index 50 term 4.*missing or corrupt/);
});

test('a snapshot without any WAL is CORRUPT rather than a fresh log that forgot its vote', async (t) => {
  const dir = await tempDir(t);
  const err = await t.throwsAsync(Wal.open(dir, { snapshot: { index: 7, term: 1 } }));
  t.true(isFlotillaError(err, 'CORRUPT'));
});

test('a closed WAL refuses writes; close is idempotent', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.close();
  await wal.close();
  await t.throwsAsync(wal.save(undefined, [entry(1)], true), { message: /closed/ });
});
