import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { LogFileCursor } from '../../../runtime/log-file.js';

async function withFile(t: { teardown(fn: () => Promise<void>): void }, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-log-file-'));
  t.teardown(() => rm(dir, { recursive: true }));
  const path = join(dir, 'stdout.log');
  await writeFile(path, content);
  return path;
}

async function readAll(cursor: LogFileCursor): Promise<string[]> {
  return [...(await cursor.read()), ...cursor.flush()];
}

test('tail counts lines from the end, with or without a final newline', async (t) => {
  for (const [content, tail, expected] of [
    ['a\nb\nc\n', 2, ['b', 'c']],
    ['a\nb\nc', 2, ['b', 'c']],
    ['a\nb\nc\n', 5, ['a', 'b', 'c']],
    ['a\nb\nc\n', 0, []],
    ['\n\n', 1, ['']],
    ['', 3, []],
  ] as const) {
    const path = await withFile(t, content);
    t.deepEqual(
      await readAll(await LogFileCursor.open(path, { tail })),
      [...expected],
      JSON.stringify(content),
    );
  }
});

test('tail and reads work across chunk boundaries, UTF-8 included', async (t) => {
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 50)}`);
  const path = await withFile(t, lines.join('\n') + '\n');
  t.deepEqual(await readAll(await LogFileCursor.open(path, {})), lines);
  t.deepEqual(await readAll(await LogFileCursor.open(path, { tail: 3000 })), lines.slice(-3000));
});

test('a cursor returns complete lines as they are appended, and the rest on flush', async (t) => {
  const path = await withFile(t, 'one\ntw');
  const cursor = await LogFileCursor.open(path, {});
  t.deepEqual(await cursor.read(), ['one']);
  await appendFile(path, 'o\nthr');
  t.deepEqual(await cursor.read(), ['two']);
  t.deepEqual(await cursor.read(), []);
  t.deepEqual(cursor.flush(), ['thr']);
});

test('since skips a file last written before it', async (t) => {
  const path = await withFile(t, 'old\n');
  t.deepEqual(await readAll(await LogFileCursor.open(path, { since: Date.now() + 60_000 })), []);
  t.deepEqual(await readAll(await LogFileCursor.open(path, { since: 0 })), ['old']);
});
