import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { MAX_VALUE_BYTES, readValue, shownConfig, shownSecret } from '../../../cli/commands/secret/values.js';
import type { Config } from '../../../proto/types.js';

const stdinOf = (...chunks: Buffer[]) => Readable.from(chunks);

test('readValue: "-" reads standard input, in as many chunks as it comes', async (t) => {
  const value = await readValue('secret', '-', stdinOf(Buffer.from('s3'), Buffer.from('cret')));
  t.is(value.toString(), 's3cret');
});

test('readValue: a path reads the file, bytes as they are', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-secret-'));
  t.teardown(() => rm(dir, { recursive: true }));
  const bytes = Buffer.from([0, 0xff, 0xfe, 10]);
  await writeFile(join(dir, 'key'), bytes);
  t.deepEqual(await readValue('secret', join(dir, 'key'), stdinOf(Buffer.from('not this'))), bytes);
  const missing = await t.throwsAsync(readValue('secret', join(dir, 'nope')));
  t.true(isFlotillaError(missing, 'INVALID_ARGUMENT'));
  t.regex(missing?.message ?? '', /^cannot read .*nope: ENOENT/);
});

test('readValue: up to 500 KiB; more is refused, naming the file and the limit', async (t) => {
  t.is(MAX_VALUE_BYTES, 500 * 1024);
  const full = await readValue('config', '-', stdinOf(Buffer.alloc(MAX_VALUE_BYTES - 1), Buffer.alloc(1)));
  t.is(full.length, MAX_VALUE_BYTES);

  const over = await t.throwsAsync(
    readValue('secret', '-', stdinOf(Buffer.alloc(MAX_VALUE_BYTES), Buffer.alloc(1))),
  );
  t.true(isFlotillaError(over, 'RESOURCE_EXHAUSTED'));
  t.is(over?.message, 'standard input is larger than 500 KiB, the most a secret may hold');

  const dir = await mkdtemp(join(tmpdir(), 'flotilla-secret-'));
  t.teardown(() => rm(dir, { recursive: true }));
  const big = join(dir, 'big.pem');
  await writeFile(big, Buffer.alloc(MAX_VALUE_BYTES + 1));
  await t.throwsAsync(readValue('config', big), {
    message: `${big} is larger than 500 KiB, the most a config may hold`,
  });
});

const stored = (data: Buffer): Config => ({
  id: 'abc',
  meta: { version: 3, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 },
  spec: { name: 'x', labels: { env: 'prod' }, data },
  sealed: Buffer.alloc(0),
  size: data.length,
});

test('secret inspect: what the manager sends, with no byte fields', (t) => {
  const shown = JSON.parse(
    JSON.stringify(shownSecret({ stored: stored(Buffer.alloc(0)), services: ['db'] })),
  );
  t.deepEqual(shown, {
    secret: {
      id: 'abc',
      meta: { version: 3, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 },
      spec: { name: 'x', labels: { env: 'prod' } },
      size: 0,
    },
    services: ['db'],
  });
  // Even were a value sent by mistake, it is not shown.
  const leaked = JSON.stringify(shownSecret({ stored: stored(Buffer.from('s3cret')), services: [] }));
  t.false(leaked.includes('s3cret') || leaked.includes(Buffer.from('s3cret').toString('base64')));
});

test('config inspect: the value as text when it is UTF-8, else base64, saying which', (t) => {
  const text = shownConfig({ stored: stored(Buffer.from('worker_processes 1;\n')), services: [] });
  t.like(JSON.parse(JSON.stringify(text)), {
    config: { id: 'abc', spec: { name: 'x', data: 'worker_processes 1;\n', encoding: 'utf-8' }, size: 20 },
  });
  const binary = shownConfig({ stored: stored(Buffer.from([0xff, 0, 1])), services: ['web'] });
  t.deepEqual(JSON.parse(JSON.stringify(binary)).config.spec, {
    name: 'x',
    labels: { env: 'prod' },
    data: '/wAB',
    encoding: 'base64',
  });
  t.false('sealed' in JSON.parse(JSON.stringify(binary)).config);
});
