import test from 'ava';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Snapshot } from '../../../../manager/raft/types.js';
import { RaftDisk } from '../../../../manager/raft/storage/raft-disk.js';
import { snapshotFileName } from '../../../../manager/raft/storage/snapshotter.js';
import { entries, entry, payloadFor, segmentFiles, tempDir, warnings } from './helpers.js';

function snapshot(index: number, term: number): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1, 2, 3], learners: [] } },
    data: payloadFor(index, term),
  };
}

async function recover(dir: string, opts = {}) {
  const { disk, state } = await RaftDisk.open(dir, opts);
  await disk.close();
  return state;
}

test('a fresh directory recovers an empty state', async (t) => {
  const dir = path.join(await tempDir(t), 'node-1');
  t.deepEqual(await recover(dir), { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] });
});

test('a reopened node sees its term and vote', async (t) => {
  const dir = await tempDir(t);
  const { disk } = await RaftDisk.open(dir);
  await disk.persist({ hardState: { term: 5, vote: 2, commit: 0 }, entries: [], mustSync: true });
  await disk.persist({
    hardState: { term: 5, vote: 2, commit: 3 },
    entries: entries(1, 3, 5),
    mustSync: true,
  });
  await disk.persist({ hardState: { term: 6, vote: 0, commit: 3 }, entries: [], mustSync: true });
  await disk.close();
  const state = await recover(dir);
  t.deepEqual(state.hardState, { term: 6, vote: 0, commit: 3 });
  t.deepEqual(state.entries, entries(1, 3, 5));
});

test('a snapshot received from the leader replaces a diverged log', async (t) => {
  const dir = await tempDir(t);
  const { disk } = await RaftDisk.open(dir);
  // this log holds index 50 at term 1, but the cluster committed term 3 there
  await disk.persist({
    hardState: { term: 1, vote: 1, commit: 2 },
    entries: entries(1, 60, 1),
    mustSync: true,
  });
  await disk.persist({
    hardState: { term: 4, vote: 0, commit: 50 },
    entries: [],
    snapshot: snapshot(50, 3),
    mustSync: true,
  });
  await disk.persist({ entries: [entry(51, 4)], mustSync: true });
  await disk.close();
  const state = await recover(dir);
  t.deepEqual(state.snapshot, snapshot(50, 3));
  t.deepEqual(state.entries, [entry(51, 4)]);
  t.deepEqual(state.hardState, { term: 4, vote: 0, commit: 50 });
});

test('commit is never below the snapshot, even if the hard state saying so was lost', async (t) => {
  const dir = await tempDir(t);
  const { disk } = await RaftDisk.open(dir);
  await disk.persist({
    hardState: { term: 2, vote: 1, commit: 1 },
    entries: entries(1, 20, 2),
    mustSync: true,
  });
  await disk.compact(snapshot(15, 2));
  await disk.close();
  const state = await recover(dir);
  t.is(state.hardState.commit, 15);
  t.deepEqual(state.entries, entries(16, 20, 2));
});

test('compaction releases WAL segments but keeps enough to fall back to the previous snapshot', async (t) => {
  const dir = await tempDir(t);
  const opts = { segmentBytes: 1024 };
  const { disk } = await RaftDisk.open(dir, opts);
  for (let i = 1; i <= 300; i += 10) {
    await disk.persist({
      hardState: { term: 3, vote: 1, commit: i + 9 },
      entries: entries(i, i + 9, 3, 48),
      mustSync: true,
    });
  }
  const segmentsBefore = (await segmentFiles(dir)).length;
  await disk.compact(snapshot(100, 3));
  await disk.compact(snapshot(200, 3));
  t.true((await segmentFiles(dir)).length < segmentsBefore);
  await disk.persist({ entries: entries(301, 305, 3, 48), mustSync: true });
  await disk.close();

  const state = await recover(dir, opts);
  t.deepEqual(state.snapshot, snapshot(200, 3));
  t.deepEqual(state.entries, entries(201, 305, 3, 48));

  // the newest snapshot goes bad: the previous one plus the log still give the same state
  const newest = path.join(dir, 'snap', snapshotFileName(3, 200));
  await fs.writeFile(newest, (await fs.readFile(newest)).subarray(0, 40));
  const w = warnings();
  const fallback = await recover(dir, { ...opts, warn: w.warn });
  t.deepEqual(fallback.snapshot, snapshot(100, 3));
  t.deepEqual(fallback.entries, entries(101, 305, 3, 48));
  t.is(w.messages.length, 1);
});
