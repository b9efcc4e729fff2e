import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers.js';

// From dist/test/unit/scripts/: the script and the fixtures' config stay in the source tree.
const root = fileURLToPath(new URL('../../../../', import.meta.url));

test('test:repeat counts, per test, the runs it failed in, a timeout included', async (t) => {
  const runs = join(await tempDir(t), 'runs');
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      ['scripts/test-repeat.mjs', '--runs', '2', '--config', 'test/fixtures/test-repeat/ava.config.mjs'],
      { cwd: root, env: { ...process.env, TEST_REPEAT_RUNS: runs }, timeout: 60_000 },
      (err, stdout) => resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, stdout }),
    );
  });
  t.is(code, 1, stdout);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  t.like(summary, { runs: 2, failedRuns: 2, tests: 4 }, stdout);
  t.deepEqual(
    summary.failures,
    { 'fails every time': 2, 'hangs past the timeout (1s)': 2, 'fails in the first run only': 1 },
    stdout,
  );
  t.regex(stdout, /^ {2}1 {2}fails in the first run only$/m);
});
