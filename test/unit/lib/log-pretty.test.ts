/** The foreground daemon's logger on a terminal, with and without pino-pretty installed. */
import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers.js';

const run = promisify(execFile);
const logModule = new URL('../../../lib/log.js', import.meta.url).href;

/** What a process prints that makes a pretty logger and logs one line, with `flags` given to node. */
async function logOneLine(flags: string[]): Promise<string> {
  const script = `const { createLogger } = await import(${JSON.stringify(logModule)});
createLogger({ pretty: true }).info({ answer: 42 }, 'hello');`;
  const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {
    timeout: 60_000,
  });
  return stdout;
}

test('with pino-pretty, a pretty logger writes readable lines', async (t) => {
  const out = await logOneLine([]);
  t.regex(out, /INFO.*hello/);
  t.false(out.trimStart().startsWith('{'));
});

test('without pino-pretty, a pretty logger writes JSON lines after a note saying why', async (t) => {
  const dir = await tempDir(t);
  // A resolve hook that finds no pino-pretty, as in an install without development dependencies.
  await writeFile(
    join(dir, 'hook.mjs'),
    `export async function resolve(spec, ctx, next) {
  if (spec === 'pino-pretty') throw Object.assign(new Error('no ' + spec), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(spec, ctx);
}`,
  );
  await writeFile(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});`,
  );
  const out = await logOneLine(['--import', pathToFileURL(join(dir, 'register.mjs')).href]);
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; answer?: number });
  t.is(lines.length, 2);
  t.regex(lines[0]!.msg, /pino-pretty is not installed/);
  t.like(lines[1], { msg: 'hello', answer: 42 });
});
