import test from 'ava';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Snapshot } from '../../../../manager/raft/types.js';
import { crc32, crc32InSlices } from '../../../../manager/raft/storage/checksum.js';
import { Snapshotter, snapshotFileName } from '../../../../manager/raft/storage/snapshotter.js';
import { countTurns } from '../../helpers.js';
import { payloadFor, tempDir, warnings } from './helpers.js';

function snapshot(index: number, term = 1): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1, 2, 2 ** 53 - 1], learners: [7] } },
    data: payloadFor(index, term, 1000),
  };
}

const snapPath = (dir: string, s: Snapshot): string =>
  path.join(dir, 'snap', snapshotFileName(s.metadata.term, s.metadata.index));

test('no snapshot yet loads as undefined', async (t) => {
  const snaps = await Snapshotter.open(await tempDir(t));
  t.is(await snaps.loadNewest(), undefined);
});

test('the newest snapshot round-trips with its metadata', async (t) => {
  const dir = await tempDir(t);
  const snaps = await Snapshotter.open(dir);
  await snaps.save(snapshot(10, 2));
  await snaps.save(snapshot(30, 3));
  await snaps.save(snapshot(20, 2));
  t.deepEqual(await (await Snapshotter.open(dir)).loadNewest(), snapshot(30, 3));
});

test('a snapshot file holds its data after the header, under the CRC-32 of all after the checksum', async (t) => {
  const dir = await tempDir(t);
  const s = snapshot(10, 2);
  await (await Snapshotter.open(dir)).save(s);
  const file = await fs.readFile(snapPath(dir, s));
  t.is(file.subarray(0, 8).toString('ascii'), 'FLTSNAP1');
  t.is(file.readUInt32LE(8), crc32(file.subarray(12)));
  t.deepEqual(file.subarray(file.length - s.data.length), Buffer.from(s.data));
});

test('a CRC-32 taken a slice at a time, a turn of the event loop each, is that of the whole', async (t) => {
  const parts = [payloadFor(1, 1, 1000), new Uint8Array(), payloadFor(2, 1, 333)];
  const whole = crc32(Buffer.concat(parts));
  const counter = countTurns();
  t.is(await crc32InSlices(parts, 0, 100), whole);
  counter.stop();
  t.true(counter.turns >= 14, `${counter.turns} turns`);
  t.is(await crc32InSlices(parts, 0, 1), whole);
  t.is(await crc32InSlices(parts.slice(1), crc32(parts[0]!)), whole);
});

test('only the newest N snapshot files are kept', async (t) => {
  const dir = await tempDir(t);
  const snaps = await Snapshotter.open(dir, { keep: 2 });
  for (const index of [5, 10, 15, 20]) await snaps.save(snapshot(index));
  t.deepEqual(
    (await snaps.list()).map((f) => f.index),
    [20, 15],
  );
  await t.throwsAsync(Snapshotter.open(dir, { keep: 0 }), { message: /keep/ });
});

test('a leftover temp file from a crash is ignored and removed', async (t) => {
  const dir = await tempDir(t);
  const snaps = await Snapshotter.open(dir);
  await snaps.save(snapshot(10));
  const leftover = snapPath(dir, snapshot(11)) + '.tmp';
  await fs.writeFile(leftover, 'half a snapshot');
  const reopened = await Snapshotter.open(dir);
  t.deepEqual(await reopened.loadNewest(), snapshot(10));
  await t.throwsAsync(fs.access(leftover));
});

test('a corrupt or truncated newest snapshot falls back to the previous one', async (t) => {
  for (const damage of ['flip', 'truncate'] as const) {
    const dir = await tempDir(t);
    const snaps = await Snapshotter.open(dir);
    await snaps.save(snapshot(10));
    await snaps.save(snapshot(20));
    const newest = snapPath(dir, snapshot(20));
    const bytes = await fs.readFile(newest);
    if (damage === 'flip') bytes[bytes.length - 7] = (bytes[bytes.length - 7] as number) ^ 0x04;
    await fs.writeFile(newest, damage === 'flip' ? bytes : bytes.subarray(0, bytes.length - 100));
    const w = warnings();
    const reopened = await Snapshotter.open(dir, { warn: w.warn });
    t.deepEqual(await reopened.loadNewest(), snapshot(10), damage);
    t.regex(w.messages[0] ?? '', /skipped snapshot .*checksum mismatch/);
    t.deepEqual(
      (await reopened.list()).map((f) => f.index),
      [10],
      'the broken file is set aside',
    );
    await fs.access(newest + '.broken');
  }
});

test('a snapshot file whose name disagrees with its content is skipped', async (t) => {
  const dir = await tempDir(t);
  const snaps = await Snapshotter.open(dir);
  await snaps.save(snapshot(10));
  await fs.copyFile(snapPath(dir, snapshot(10)), snapPath(dir, snapshot(40)));
  const w = warnings();
  t.deepEqual(await (await Snapshotter.open(dir, { warn: w.warn })).loadNewest(), snapshot(10));
  t.regex(w.messages[0] ?? '', /unlike its file name/);
});
