/**
 * The runtime conformance suite against the process driver (image `host`), plus what only the
 * process driver promises: its files on disk, the shell wrapper's exit codes, no shell
 * injection, and leftover processes being cleaned up.
 */
import { chmod, readdir, readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { isFlotillaError } from '../../lib/errors.js';
import { ProcessDriver } from '../../runtime/process/index.js';
import {
  collectLogs,
  harness,
  processGroup,
  runtimeConformance,
  waitFor,
  waitForLine,
  within,
  type ConformanceTarget,
  type Harness,
} from './runtime-conformance.js';

const target: ConformanceTarget = {
  name: 'process',
  image: 'host',
  factoryModule: new URL('./process-driver-factory.js', import.meta.url).href,
  limits: 'plain processes run without cgroups of their own',
  async setup() {
    // Spaces, quotes, `$` and backticks in the root: paths must never be interpolated into a script.
    const root = await mkdtemp(join(tmpdir(), `flotilla proc '"$HOME\`x\`-`));
    return { options: { root }, cleanup: () => killStrays(root).then(() => rm(root, { recursive: true })) };
  },
};

/** Kills the process group of any process whose argv mentions `root` (a wrapper the test left). */
async function killStrays(root: string): Promise<void> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (!argv.split('\0').some((arg) => arg.startsWith(root))) continue;
    try {
      process.kill(-Number(name), 'SIGKILL');
    } catch {
      // already gone, or not a group leader
    }
  }
}

runtimeConformance(test, target);

async function processHarness(
  t: ExecutionContext,
): Promise<Harness & { driver: ProcessDriver; root: string }> {
  const h = await harness(t, target);
  const driver = (await h.newDriver()) as ProcessDriver;
  return { ...h, driver, root: (h.options as { root: string }).root };
}

async function pidOf(driver: ProcessDriver, id: string): Promise<number> {
  const { pid } = await driver.inspect(id);
  if (pid === undefined) throw new Error(`container ${id} has no pid`);
  return pid;
}

test('process: only the image "host" can run', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  t.false(driver.canRun('busybox'));
  const err = await t.throwsAsync(driver.ensureImage('busybox', new AbortController().signal));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.regex(err?.message ?? '', /host/);
  const created = await t.throwsAsync(driver.create({ ...shSpec('true'), image: 'busybox' }));
  t.true(isFlotillaError(created, 'INVALID_ARGUMENT'));
});

test('process: state lives in <root>/<id>/ files', async (t) => {
  const { driver, shSpec, root } = await processHarness(t);
  const id = await driver.create(shSpec('echo out; echo err >&2; exit 9', { labels: { task: 't1' } }));
  const dir = join(root, id);
  const spec = JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8')) as Record<string, unknown>;
  t.like(spec, {
    image: 'host',
    command: ['sh', '-c', 'echo out; echo err >&2; exit 9'],
    labels: { task: 't1' },
  });
  t.is(typeof spec.createdAt, 'number');
  await driver.start(id);
  await within('exit', driver.wait(id));
  t.is(await readFile(join(dir, 'pid'), 'utf8'), `${(await driver.inspect(id)).pid}\n`);
  t.is(await readFile(join(dir, 'exit'), 'utf8'), '9\n');
  t.is(await readFile(join(dir, 'stdout.log'), 'utf8'), 'out\n');
  t.is(await readFile(join(dir, 'stderr.log'), 'utf8'), 'err\n');
  await driver.remove(id);
  await t.throwsAsync(stat(dir));
});

test('process: a missing command exits 127 with the shell message in stderr', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  const id = await driver.create({ ...shSpec(''), command: ['flotilla-no-such-command'] });
  await driver.start(id);
  t.is((await within('exit', driver.wait(id))).exitCode, 127);
  const { stderr } = await collectLogs(driver, id);
  t.regex(stderr.join('\n'), /flotilla-no-such-command: not found/);
});

test('process: a shell builtin as the command does not take over the wrapper', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  const id = await driver.create({ ...shSpec(''), command: ['exit', '3'] });
  await driver.start(id);
  t.is((await within('exit', driver.wait(id))).exitCode, 127);
});

test('process: signals to the group give the shell exit codes (TERM 143, INT 130)', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  // "ready" comes from the command itself, so the wrapper's subshell has exec'd it by then.
  const spec = (stopSignal?: NodeJS.Signals) =>
    shSpec('echo ready; exec sleep 1000', stopSignal && { stopSignal });
  for (const [stopSignal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    const id = await driver.create(spec(stopSignal));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    await within('stop', driver.stop(id, 30_000));
    t.like((await driver.inspect(id)).exit, { exitCode, signal: stopSignal });
  }
  // Signalled by someone else, with no driver call involved: the wrapper still records it.
  const id = await driver.create(spec());
  await driver.start(id);
  await waitForLine(driver, id, 'ready');
  process.kill(-(await pidOf(driver, id)), 'SIGTERM');
  t.like(await within('exit', driver.wait(id)), { exitCode: 143, signal: 'SIGTERM' });
});

test('process: workdir defaults to the container directory; env has only PATH, HOME and the spec', async (t) => {
  const { driver, shSpec, root } = await processHarness(t);
  const id = await driver.create(
    shSpec(`pwd; env | cut -d= -f1 | sort; while :; do sleep 0.1; done`, { env: { A: '1' } }),
  );
  await driver.start(id);
  await waitForLine(driver, id, 'PWD');
  const { stdout } = await collectLogs(driver, id);
  t.is(stdout[0], join(root, id));
  // sh itself adds PWD (and OLDPWD on some shells); nothing comes from the agent's environment.
  t.deepEqual(
    stdout.slice(1).filter((name) => name !== 'PWD' && name !== 'OLDPWD'),
    ['A', 'HOME', 'PATH'],
  );
  t.is((await driver.exec(id, ['pwd'])).stdout, `${join(root, id)}\n`);
});

test('process: argv with shell metacharacters reaches the command verbatim', async (t) => {
  const { driver, shSpec, root } = await processHarness(t);
  const tricky = `$(touch pwned) \`touch pwned\`; "x" 'y' | & > out $HOME`;
  const id = await driver.create({ ...shSpec(''), command: ['printf', '%s\\n', tricky, '--', ''] });
  await driver.start(id);
  t.is((await within('exit', driver.wait(id))).exitCode, 0);
  t.deepEqual((await collectLogs(driver, id)).stdout, [tricky, '--', '']);
  t.deepEqual((await readdir(join(root, id))).sort(), [
    'exit',
    'pid',
    'spec.json',
    'stderr.log',
    'stderr.log.times',
    'stdout.log',
    'stdout.log.times',
  ]);
});

test('process: a wrapper killed on its own reads as SIGKILL, and its leftovers are killed', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  const id = await driver.create(shSpec('echo ready; sleep 1000'));
  await driver.start(id);
  await waitForLine(driver, id, 'ready');
  const pid = await pidOf(driver, id);
  process.kill(pid, 'SIGKILL'); // the wrapper only, not its group
  t.like(await within('exit', driver.wait(id)), { exitCode: 137, signal: 'SIGKILL' });
  await waitFor('the orphaned command to be killed', async () => (await processGroup(pid)).length === 0);
  t.pass();
});

test('process: processes left behind by a main process that exits are killed', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  const id = await driver.create(shSpec('sleep 1000 & exit 0'));
  await driver.start(id);
  t.is((await within('exit', driver.wait(id))).exitCode, 0);
  const pid = await pidOf(driver, id);
  await waitFor('the background sleep to be killed', async () => (await processGroup(pid)).length === 0);
  t.pass();
});

test('process: close() cancels pending waits and leaves containers running', async (t) => {
  const { driver, shSpec, newDriver } = await processHarness(t);
  const id = await driver.create(shSpec('while :; do sleep 0.1; done'));
  await driver.start(id);
  const waiting = driver.wait(id);
  await driver.close();
  t.true(isFlotillaError(await t.throwsAsync(waiting), 'CANCELLED'));
  t.is((await (await newDriver()).inspect(id)).state, 'running');
});

test('process: list on a root that does not exist yet is empty', async (t) => {
  const driver = new ProcessDriver({ root: join(tmpdir(), `flotilla-absent-${process.pid}-${Date.now()}`) });
  t.deepEqual(await driver.list({}), []);
  await driver.close();
});

test('process: the command, its exec and its exit record run as the spec user (tests run as root)', async (t) => {
  const { driver, shSpec, root } = await processHarness(t);
  // The user must get through to its container directory, as it does under a 0755 data dir.
  await chmod(root, 0o755);
  for (const user of ['nobody', '65534:65534']) {
    const id = await driver.create(shSpec('id -u; id -g; echo ready; sleep 1000', { user }));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    const stdout = await readFile(join(root, id, 'stdout.log'), 'utf8');
    t.is(stdout, '65534\n65534\nready\n', user);
    t.is((await driver.exec(id, ['id', '-u'])).stdout, '65534\n');
    await driver.stop(id, 30_000);
    // 143 comes from the wrapper, running as the user, having written the exit file itself.
    t.like(await driver.inspect(id), { exit: { exitCode: 143 } });
  }
});

test('process: a user that does not exist fails create, naming it', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  const err = await t.throwsAsync(driver.create(shSpec('true', { user: 'no-such-user' })));
  t.true(isFlotillaError(err, 'NOT_FOUND'));
  t.is(err.message, 'user "no-such-user" not found in /etc/passwd');
});

test('process: a user who cannot reach its container directory still gets its exit code recorded by the agent', async (t) => {
  const { driver, shSpec } = await processHarness(t);
  // The harness root is 0700: the wrapper, as nobody, cannot write the exit file and exits with the code.
  const id = await driver.create(shSpec('exit 3', { user: 'nobody' }));
  await driver.start(id);
  t.is((await within('exit', driver.wait(id))).exitCode, 3);
});
