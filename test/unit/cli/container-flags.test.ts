import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { containerFromFlags, envFromFlags } from '../../../cli/commands/service/flags/container.js';
import { isFlotillaError } from '../../../lib/errors.js';

async function envFile(t: { teardown(fn: () => Promise<void>): void }, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-env-'));
  t.teardown(() => rm(dir, { recursive: true }));
  const path = join(dir, 'app.env');
  await writeFile(path, text);
  return path;
}

test('an env file: KEY=VALUE lines as written, comments and blank lines skipped, bare keys from the environment', async (t) => {
  const path = await envFile(
    t,
    '# settings\nA=1\n\n  # indented comment\nB="two words"\r\nFROM_CLI\nUNSET\nC=x=y\n',
  );
  t.deepEqual(envFromFlags({ envFile: [path] }, { FROM_CLI: 'here' }), [
    'A=1',
    'B="two words"',
    'FROM_CLI=here',
    'C=x=y',
  ]);
});

test('--env wins over env files, and a later file over an earlier one', async (t) => {
  const first = await envFile(t, 'A=file1\nB=file1\n');
  const second = await envFile(t, 'B=file2\nC=file2\n');
  t.deepEqual(envFromFlags({ envFile: [first, second], env: ['A=flag', 'D'] }, { D: 'env' }), [
    'A=flag',
    'B=file2',
    'C=file2',
    'D=env',
  ]);
});

test('an env file that cannot be read names the flag and the file', (t) => {
  const err = t.throws(() => envFromFlags({ envFile: ['/nonexistent/app.env'] }));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.regex(err.message, /--env-file.*\/nonexistent\/app\.env/);
});

test('user and hostname pass through; absent, they are empty', (t) => {
  t.like(containerFromFlags({ user: 'nobody:nogroup', hostname: 'web-{{.Task.Slot}}' }), {
    user: 'nobody:nogroup',
    hostname: 'web-{{.Task.Slot}}',
  });
  t.deepEqual(containerFromFlags({}), { env: [], user: '', hostname: '' });
});
