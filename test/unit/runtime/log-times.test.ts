/** Log files with their index of when each chunk was written: times per line, since per line. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { open, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine, LogOptions } from '../../../runtime/driver.js';
import { readLogFiles, STAMPER, timesFile } from '../../../runtime/log-file.js';
import { tempDir } from '../helpers.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '123Z');

async function read(path: string, opts: LogOptions = {}): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const never = new AbortController().signal;
  for await (const line of readLogFiles([{ stream: 'stdout', path }], opts, async () => true, never, 10))
    lines.push(line);
  return lines;
}

test('a line has the time of the chunk its first byte came in; since and tail go by line', async (t) => {
  const path = join(await tempDir(t), 'stdout.log');
  // Three chunks: "a\nb" at T0, "c\nd\n" at T0+1s (finishing line b), "e" at T0+2s.
  await writeFile(path, 'a\nbc\nd\ne');
  await writeFile(timesFile(path), `0 ${iso(T0)}\n3 ${iso(T0 + 1000)}\n7 ${iso(T0 + 2000)}\n`);
  t.deepEqual(await read(path), [
    { stream: 'stdout', line: 'a', time: T0 },
    { stream: 'stdout', line: 'bc', time: T0 },
    { stream: 'stdout', line: 'd', time: T0 + 1000 },
    { stream: 'stdout', line: 'e', time: T0 + 2000 },
  ]);
  t.deepEqual(
    (await read(path, { since: T0 + 500 })).map((l) => l.line),
    ['d', 'e'],
  );
  t.deepEqual(
    (await read(path, { since: T0 + 500, tail: 1 })).map((l) => l.line),
    ['e'],
  );
  t.deepEqual(await read(path, { since: T0 + 5000 }), []);
});

test('lines the index does not cover are as old as their file', async (t) => {
  const path = join(await tempDir(t), 'stdout.log');
  await writeFile(path, 'old\n');
  await utimes(path, new Date(T0), new Date(T0));
  t.deepEqual(await read(path), [{ stream: 'stdout', line: 'old' }]);
  t.deepEqual(
    (await read(path, { since: T0 - 1000 })).map((l) => l.line),
    ['old'],
  );
  t.deepEqual(await read(path, { since: T0 + 1000 }), []);
});

test('the stamper runs a command: output as written, its index, the exit status', async (t) => {
  const dir = await tempDir(t);
  const paths = ['out.log', 'err.log', 'out.log.times', 'err.log.times'].map((f) => join(dir, f));
  const files = await Promise.all(paths.map((p) => open(p, 'a')));
  const before = Date.now();
  const child = spawn(
    '/usr/bin/perl',
    [
      '-e',
      STAMPER,
      'run',
      'TERM',
      'sh',
      '-c',
      'echo one; echo two >&2; sleep 1; printf "three\\nfour"; exit 3',
    ],
    { stdio: ['ignore', ...files.map((f) => f.fd)] },
  );
  const code = await new Promise((resolve) => child.once('exit', resolve));
  await Promise.all(files.map((f) => f.close()));
  t.is(code, 3);
  const out = await read(paths[0]!);
  t.deepEqual(
    out.map((l) => l.line),
    ['one', 'three', 'four'],
  );
  t.deepEqual(
    (await read(paths[1]!)).map((l) => l.line),
    ['two'],
  );
  const [one, three] = [out[0]?.time ?? 0, out[1]?.time ?? 0];
  t.true(one >= before - 1000 && three - one >= 900, `one ${one}, three ${three}`);
  const indexes = await Promise.all(paths.slice(2).map((p) => open(p, 'a')));
  const missing = spawn('/usr/bin/perl', ['-e', STAMPER, 'run', 'TERM', 'flotilla-no-such-command'], {
    stdio: ['ignore', 'ignore', 'pipe', ...indexes.map((f) => f.fd)],
  });
  let stderr = '';
  missing.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  t.is(await new Promise((resolve) => missing.once('exit', resolve)), 127);
  await Promise.all(indexes.map((f) => f.close()));
  t.regex(stderr, /flotilla-no-such-command: not found/);
});
