import test from 'ava';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isFlotillaError } from '../../../../lib/errors.js';
import { Wal } from '../../../../manager/raft/storage/wal.js';
import { entries, entry, recoverWal, segmentFiles, tempDir, warnings } from './helpers.js';

const N = 12;

/** A one-segment WAL of entries 1..N, and where its last record (entry N) starts. */
async function pristineLog(dir: string): Promise<{ bytes: Buffer; lastRecordAt: number; name: string }> {
  const { wal } = await Wal.open(dir);
  await wal.save({ term: 1, vote: 1, commit: 3 }, entries(1, N - 1), true);
  await wal.close(); // cut back to its data: the file's length is where entry N will start
  const [file] = await segmentFiles(dir);
  const lastRecordAt = (await fs.stat(file as string)).size;
  const { wal: again } = await Wal.open(dir);
  await again.save(undefined, [entry(N, 1, 100)], true);
  await again.close();
  return { bytes: await fs.readFile(file as string), lastRecordAt, name: path.basename(file as string) };
}

/** A data directory whose only WAL segment holds `bytes`. */
async function logWith(
  root: string,
  caseName: string,
  segmentName: string,
  bytes: Uint8Array,
): Promise<string> {
  const dir = path.join(root, caseName);
  await fs.mkdir(path.join(dir, 'wal'), { recursive: true });
  await fs.writeFile(path.join(dir, 'wal', segmentName), bytes);
  return dir;
}

test('a tail torn at any byte of the last record recovers exactly the records before it', async (t) => {
  const root = await tempDir(t);
  const log = await pristineLog(path.join(root, 'pristine'));
  for (let len = log.lastRecordAt; len < log.bytes.length; len++) {
    const dir = await logWith(root, `torn-${len}`, log.name, log.bytes.subarray(0, len));
    const w = warnings();
    const { wal, state } = await Wal.open(dir, { warn: w.warn });
    t.deepEqual(state.entries, entries(1, N - 1), `truncated to ${len}`);
    t.deepEqual(state.hardState, { term: 1, vote: 1, commit: 3 });
    t.is(w.messages.length, len === log.lastRecordAt ? 0 : 1);
    t.is((await fs.stat(path.join(dir, 'wal', log.name))).size, log.lastRecordAt, 'the torn tail is cut off');
    // the log continues where the intact records end
    await wal.save(undefined, [entry(N, 2)], true);
    await wal.close();
    t.deepEqual((await recoverWal(dir)).entries, [...entries(1, N - 1), entry(N, 2)]);
  }
});

test('a flipped bit anywhere in the last record drops just that record', async (t) => {
  const root = await tempDir(t);
  const log = await pristineLog(path.join(root, 'pristine'));
  for (let at = log.lastRecordAt; at < log.bytes.length; at++) {
    const damaged = Buffer.from(log.bytes);
    damaged[at] = (damaged[at] as number) ^ (1 << (at % 8));
    const dir = await logWith(root, `flip-${at}`, log.name, damaged);
    const w = warnings();
    const state = await recoverWal(dir, { warn: w.warn });
    t.deepEqual(state.entries, entries(1, N - 1), `bit flipped at ${at}`);
    t.regex(w.messages[0] ?? '', new RegExp(`dropped \\d+ bytes from offset ${log.lastRecordAt}`));
  }
});

test('a flipped bit in a record followed by intact ones is CORRUPT, naming the file and offset', async (t) => {
  const root = await tempDir(t);
  const log = await pristineLog(path.join(root, 'pristine'));
  // the header, the length field of an early record, a payload byte in the middle
  for (const at of [3, 60, Math.floor(log.lastRecordAt / 2)]) {
    const damaged = Buffer.from(log.bytes);
    damaged[at] = (damaged[at] as number) ^ 0x10;
    const dir = await logWith(root, `mid-${at}`, log.name, damaged);
    const err = await t.throwsAsync(Wal.open(dir));
    t.true(isFlotillaError(err, 'CORRUPT'), `bit flipped at ${at}`);
    t.regex(err?.message ?? '', new RegExp(`${log.name} at offset \\d+`));
    t.regex(err?.message ?? '', /intact records follow it/);
    t.regex(err?.message ?? '', /restore the data directory from a backup/);
    t.deepEqual(await fs.readFile(path.join(dir, 'wal', log.name)), damaged, 'nothing was truncated');
  }
});

test('damage at the end of a segment that is not the newest is CORRUPT', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 512 });
  for (let i = 1; i <= 40; i++) await wal.save(undefined, [entry(i, 1, 64)], false);
  await wal.close();
  const [first] = await segmentFiles(dir);
  const bytes = await fs.readFile(first as string);
  await fs.writeFile(first as string, bytes.subarray(0, bytes.length - 1));
  const err = await t.throwsAsync(Wal.open(dir));
  t.true(isFlotillaError(err, 'CORRUPT'));
  t.regex(err?.message ?? '', /not in the newest segment/);
  t.true(err?.message.includes(first as string));
});

test('a newest segment torn while being created is dropped and the log continues', async (t) => {
  for (const keep of [0, 10]) {
    const dir = await tempDir(t);
    const { wal } = await Wal.open(dir, { segmentBytes: 512 });
    for (let i = 1; i <= 40; i++) await wal.save({ term: 1, vote: 2, commit: i }, [entry(i, 1, 64)], false);
    await wal.close();
    const files = await segmentFiles(dir);
    const newest = files.at(-1) as string;
    await fs.truncate(newest, keep);
    const olderLast = (await recoverWal(dir, { segmentBytes: 512, warn: () => undefined })).entries.at(-1);
    t.truthy(olderLast);
    const lastIndex = olderLast?.index ?? 0;

    const { wal: again, state } = await Wal.open(dir, { segmentBytes: 512 });
    t.is(again.lastIndex, lastIndex);
    t.is(state.hardState.vote, 2);
    await again.save(undefined, [entry(lastIndex + 1, 2)], true);
    await again.close();
    const final = await recoverWal(dir);
    t.deepEqual(final.entries, [...entries(1, lastIndex, 1, 64), entry(lastIndex + 1, 2)]);
  }
});

test('the segment being written runs ahead of its data in zeros; closing cuts it back', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.save({ term: 1, vote: 1, commit: 0 }, entries(1, 3), true);
  const [file] = await segmentFiles(dir);
  const open = await fs.readFile(file as string);
  await wal.close();
  const closed = await fs.readFile(file as string);
  t.true(open.length > closed.length + 1024 * 1024);
  t.true(open.subarray(0, closed.length).equals(closed));
  t.true(open.subarray(closed.length).every((b) => b === 0));
});

test('after a crash the zeros ahead of the data are the clean end of the log, in any segment', async (t) => {
  const root = await tempDir(t);
  // What a crash leaves: the files as they are while the log is open.
  const live = path.join(root, 'live');
  const { wal } = await Wal.open(live, { segmentBytes: 512 });
  for (let i = 1; i <= 20; i++) await wal.save({ term: 1, vote: 1, commit: i }, [entry(i, 1, 64)], true);
  const names = (await segmentFiles(live)).map((f) => path.basename(f));
  const crashed = path.join(root, 'crashed');
  await fs.mkdir(path.join(crashed, 'wal'), { recursive: true });
  for (const name of names) await fs.copyFile(path.join(live, 'wal', name), path.join(crashed, 'wal', name));
  await wal.close();
  // A segment rolled over just before the crash still has its zeros.
  const [oldest] = await segmentFiles(crashed);
  await fs.appendFile(oldest as string, Buffer.alloc(300));

  const w = warnings();
  const { wal: again, state } = await Wal.open(crashed, { segmentBytes: 512, warn: w.warn });
  t.deepEqual(state.entries, entries(1, 20, 1, 64));
  t.deepEqual(w.messages, []);
  await again.save(undefined, [entry(21, 2)], true);
  await again.close();
  t.deepEqual((await recoverWal(crashed)).entries, [...entries(1, 20, 1, 64), entry(21, 2)]);
});

test('a write torn inside the zeros ahead of the data is dropped with a warning', async (t) => {
  const root = await tempDir(t);
  const log = await pristineLog(path.join(root, 'pristine'));
  const torn = Buffer.concat([log.bytes.subarray(0, log.bytes.length - 5), Buffer.alloc(4096)]);
  const dir = await logWith(root, 'torn-in-zeros', log.name, torn);
  const w = warnings();
  const state = await recoverWal(dir, { warn: w.warn });
  t.deepEqual(state.entries, entries(1, N - 1));
  t.regex(w.messages[0] ?? '', new RegExp(`dropped \\d+ bytes from offset ${log.lastRecordAt}`));
});
