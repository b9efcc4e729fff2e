/**
 * Installing Flotilla as a user does: `npm pack` of this tree, then `npm install -g` of the
 * archive without development dependencies into a prefix of its own; the `cluster` it puts
 * on the PATH then runs a one-node cluster with a `host` service. Needs the npm registry
 * (or npm's cache) for the dependencies.
 */
import test from 'ava';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../unit/helpers.js';
import { freePort } from './cluster-harness.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

async function run(file: string, args: string[], opts: ExecFileOptions = {}): Promise<string> {
  const { stdout } = await exec(file, args, { timeout: 300_000, ...opts });
  return String(stdout);
}

test('npm pack, npm install -g --omit=dev: cluster is on the PATH and runs a cluster', async (t) => {
  t.timeout(900_000);
  const dir = await tempDir(t);
  const prefix = join(dir, 'prefix');
  // prepack builds dist.
  await run('npm', ['pack', '--pack-destination', dir], { cwd: root });
  const [archive] = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  t.truthy(archive, 'npm pack made no archive');
  await run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--omit=dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(dir, archive!),
    ],
    { cwd: dir },
  );

  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, CLUSTER_DATA_DIR: '' };
  const cluster = (...args: string[]) => run('cluster', args, { env, cwd: dir });
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  t.is((await cluster('--version')).trim(), version);

  const data = join(dir, 'node');
  await cluster(
    'init',
    '--data-dir',
    data,
    '--listen',
    `127.0.0.1:${await freePort()}`,
    '--hostname',
    'packed',
  );
  // Before the temp dir goes (teardowns run last first): the node's task and daemon.
  t.teardown(() => cluster('leave', '--force', '--data-dir', data).then(() => undefined));
  const created = await cluster(
    '--data-dir',
    data,
    'service',
    'create',
    '--name',
    'web',
    'host',
    'sleep',
    '100000',
  );
  t.regex(created, /converged/);
  t.regex(await cluster('--data-dir', data, 'node', 'ls'), /packed\s+127\.0\.0\.1:\d+\s+Ready/);
  t.regex(await cluster('--data-dir', data, 'service', 'ps', 'web'), /web\.1\s+packed\s+Running\s+Running/);

  // Without pino-pretty (a development dependency), a daemon on a terminal logs JSON lines.
  const empty = join(dir, 'empty');
  const terminal = await run('script', ['-qec', `cluster daemon --data-dir ${empty}`, '/dev/null'], {
    env,
  }).catch((err: { stdout: string }) => err.stdout);
  t.regex(terminal, /pino-pretty is not installed/);
  t.regex(terminal, /"msg":"the daemon could not start"/);
});
