/** The WAL on a disk that fills up (a small real tmpfs): refused saves leave it sound. */
import test from 'ava';
import { isFlotillaError } from '../../../../lib/errors.js';
import { Wal } from '../../../../manager/raft/storage/wal.js';
import { canMount, SmallDisk } from '../../../small-disk.js';
import { tempDir } from '../../helpers.js';
import { entries, recoverWal, warnings } from './helpers.js';
import { join } from 'node:path';

const BIG = 16 * 1024;

if (!canMount) {
  test('WAL on a full disk: skipped (mounting a tmpfs takes root)', (t) => t.pass());
} else {
  test('a save the full disk refuses fails with RESOURCE_EXHAUSTED naming it, leaves no torn record, and saves go on once there is room', async (t) => {
    const disk = await SmallDisk.mount(t, join(await tempDir(t), 'disk'), 1);
    const { wal } = await Wal.open(disk.dir);
    await wal.save({ term: 1, vote: 1, commit: 5 }, entries(1, 5), true);
    await disk.fill();

    const refused = wal.save(undefined, entries(6, 9, 1, BIG), true);
    // Queued behind it, continuing it: refused too, or the log would have a hole.
    const behind = wal.save(undefined, entries(10, 10), true);
    const err = await t.throwsAsync(refused);
    t.true(isFlotillaError(err, 'RESOURCE_EXHAUSTED'));
    t.regex(err!.message, new RegExp(`the disk holding ${disk.dir}/wal is full`));
    t.true(isFlotillaError(await t.throwsAsync(behind), 'RESOURCE_EXHAUSTED'));
    t.is(wal.lastIndex, 5);
    // Nothing of the refused records is left to be read at the next start.
    const { warn, messages } = warnings();
    t.deepEqual(
      (await recoverWal(disk.dir, { warn })).entries.map((e) => e.index),
      [1, 2, 3, 4, 5],
    );
    t.deepEqual(messages, []);

    await disk.free();
    await wal.save({ term: 1, vote: 1, commit: 7 }, entries(6, 7, 1, BIG), true);
    await wal.close();
    const after = await recoverWal(disk.dir, { warn });
    t.deepEqual(
      after.entries.map((e) => e.index),
      [1, 2, 3, 4, 5, 6, 7],
    );
    t.deepEqual(after.entries.slice(5), entries(6, 7, 1, BIG));
    t.is(after.hardState.commit, 7);
    t.deepEqual(messages, []);
  });

  test('a rollover the full disk refuses leaves the current segment the tail and no half-made segment', async (t) => {
    const disk = await SmallDisk.mount(t, join(await tempDir(t), 'disk'), 1);
    const { wal } = await Wal.open(disk.dir, { segmentBytes: 64 * 1024 });
    await wal.save(undefined, entries(1, 3, 1, BIG), true);
    await disk.fill();
    // Too big for what is left of the segment: a new one is needed, and cannot be made.
    t.true(
      isFlotillaError(
        await t.throwsAsync(wal.save(undefined, entries(4, 8, 1, BIG), true)),
        'RESOURCE_EXHAUSTED',
      ),
    );
    t.is(wal.segmentPaths().length, 1);
    await disk.free();
    await wal.save(undefined, entries(4, 8, 1, BIG), true);
    t.is(wal.segmentPaths().length, 2);
    await wal.close();
    t.deepEqual(
      (await recoverWal(disk.dir)).entries.map((e) => e.index),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });
}
