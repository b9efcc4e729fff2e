/**
 * The runtime driver conformance suite: one set of tests that every RuntimeDriver passes.
 * A driver's test file calls `runtimeConformance(test, target)` with an image that has a
 * POSIX sh, `sleep`, `echo` and `touch` (busybox for real containers, `host` for processes).
 *
 * The target names a module exporting `createDriver(options)` rather than passing a factory
 * function, so that a separate node process (fixtures/start-container.ts) can build the same
 * driver to test adoption across agent restarts. No test asserts durations: conditions are
 * awaited with generous deadlines.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecutionContext, TestFn } from 'ava';
import type { ContainerSpec, LogLine, LogOptions, RuntimeDriver } from '../../runtime/driver.js';
import { isFlotillaError } from '../../lib/errors.js';

export interface DriverFactoryModule {
  createDriver(options: unknown): RuntimeDriver;
}

export interface ConformanceTarget {
  /** Prefixes the test titles. */
  name: string;
  image: string;
  /** URL of a module whose `createDriver(options)` builds the driver under test. */
  factoryModule: string;
  /** Prepares one test's backing state (a temp dir, a namespace...); options must be JSON. */
  setup(): Promise<{ options: unknown; cleanup(): Promise<void> }>;
  /** True if the driver enforces cgroup limits; else why not (the limits tests are skipped). */
  limits: true | string;
  /** What the runtime still holds of a removed container (mounts, snapshots, shims), by description. */
  leftovers?(id: string): Promise<string[]>;
}

/** Deadline for conditions that should hold within moments; generous for loaded machines. */
const PATIENCE_MS = 30_000;
const RUN_LABEL = 'flotilla.conformance.run';
/** Set in the test process to check that the agent's environment does not leak into containers. */
const LEAK_VAR = 'FLOTILLA_CONFORMANCE_LEAK';
/** A file the container waits for in its working directory; created with exec. */
const TRIGGER = 'flotilla-go';
const waitForTrigger = `while [ ! -e ${TRIGGER} ]; do sleep 0.1; done`;

export interface Harness {
  /** A new driver instance over the same backing state; closed at teardown. */
  newDriver(): Promise<RuntimeDriver>;
  /** A spec running `sh -c script`, labelled so that teardown finds it. */
  shSpec(script: string, extra?: Partial<ContainerSpec>): ContainerSpec;
  options: unknown;
}

/** Everything a test needs, torn down (containers stopped and removed, drivers closed) after it. */
export async function harness(t: ExecutionContext, target: ConformanceTarget): Promise<Harness> {
  const { options, cleanup } = await target.setup();
  const run = randomBytes(6).toString('hex');
  const { createDriver } = (await import(target.factoryModule)) as DriverFactoryModule;
  const drivers: RuntimeDriver[] = [];
  const newDriver = async (): Promise<RuntimeDriver> => {
    const driver = createDriver(options);
    drivers.push(driver);
    return driver;
  };
  t.teardown(async () => {
    const driver = await newDriver();
    for (const c of await driver.list({ [RUN_LABEL]: run })) {
      await driver.stop(c.id, 0).catch(() => undefined);
      await driver.remove(c.id).catch(() => undefined);
    }
    await Promise.all(drivers.map((d) => d.close()));
    await cleanup();
  });
  return {
    newDriver,
    options,
    shSpec: (script, extra = {}) => ({
      image: target.image,
      command: ['sh', '-c', script],
      env: {},
      ...extra,
      labels: { ...extra.labels, [RUN_LABEL]: run },
    }),
  };
}

export async function collectLogs(
  driver: RuntimeDriver,
  id: string,
  opts: LogOptions = {},
): Promise<{ stdout: string[]; stderr: string[] }> {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  for await (const { stream, line } of driver.logs(id, opts)) out[stream].push(line);
  return out;
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** `work`, or a clear failure instead of a hung test if it never settles. */
export async function within<T>(what: string, work: Promise<T>): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work,
      delay(PATIENCE_MS, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`timed out waiting for ${what}`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

export function waitForLine(driver: RuntimeDriver, id: string, line: string): Promise<void> {
  return waitFor(`"${line}" in the logs of ${id}`, async () =>
    (await collectLogs(driver, id)).stdout.includes(line),
  );
}

/** Pids of live processes in process group `pgid`, from /proc. */
export async function processGroup(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(name));
  }
  return pids;
}

/** The files under `dir` whose content holds `text`. */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesHolding(path, text)));
    // Unreadable files (a network namespace bound to a path) hold nothing of ours.
    else if (entry.isFile() && (await readFile(path).catch(() => '')).includes(text)) found.push(path);
  }
  return found;
}

async function rejectsWith(t: ExecutionContext, work: Promise<unknown>, codes: string[]): Promise<void> {
  const err = await t.throwsAsync(work);
  t.true(
    codes.some((code) => isFlotillaError(err, code as never)),
    `expected a FlotillaError ${codes.join(' or ')}, got ${String(err)}`,
  );
}

export function runtimeConformance(test: TestFn, target: ConformanceTarget): void {
  process.env[LEAK_VAR] = 'leaked';
  const title = (what: string): string => `${target.name}: ${what}`;

  test(title('ensureImage accepts the image and canRun says so'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    t.true(driver.canRun(target.image));
    await driver.ensureImage(target.image, new AbortController().signal);
  });

  test(title('create, start and wait move a container through created, running, exited'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec(`echo started; ${waitForTrigger}`, { labels: { app: 'web' } }));

    const created = await driver.inspect(id);
    t.like(created, { id, image: target.image, state: 'created', labels: { app: 'web' } });
    t.is(typeof created.createdAt, 'number');
    t.is(created.exit, undefined);

    await driver.start(id);
    const running = await driver.inspect(id);
    t.is(running.state, 'running');
    t.is(typeof running.startedAt, 'number');
    await waitForLine(driver, id, 'started');

    await driver.exec(id, ['touch', TRIGGER]);
    const exit = await within('exit', driver.wait(id));
    t.is(exit.exitCode, 0);
    t.is(exit.signal, undefined);
    const exited = await driver.inspect(id);
    t.is(exited.state, 'exited');
    t.deepEqual(exited.exit, exit);
    t.deepEqual(await driver.wait(id), exit, 'wait on an exited container resolves at once');
  });

  test(title('exit codes pass through'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    for (const code of [0, 3]) {
      const id = await driver.create(h.shSpec(`exit ${code}`));
      await driver.start(id);
      t.is((await within('exit', driver.wait(id))).exitCode, code);
    }
  });

  test(title('a command that does not exist exits 127 (or fails to start)'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create({ ...h.shSpec(''), command: ['flotilla-no-such-command', 'arg'] });
    // Real runtimes may refuse at start what a shell reports as 127.
    const started = await driver.start(id).then(
      () => true,
      () => false,
    );
    if (started) t.is((await within('exit', driver.wait(id))).exitCode, 127);
    else t.pass();
  });

  test(title('stop: a process that handles the stop signal exits on its own terms'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec('trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    await within('stop', driver.stop(id, PATIENCE_MS));
    t.like(await driver.inspect(id), { state: 'exited', exit: { exitCode: 0 } });
  });

  test(title('stop: a process that ignores the stop signal is killed after the grace period'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec('trap "" TERM; echo ready; while :; do sleep 0.1; done'));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    await within('stop', driver.stop(id, 300));
    const { exit } = await driver.inspect(id);
    t.is(exit?.exitCode, 137);
    t.is(exit?.signal, 'SIGKILL');
  });

  test(title('stop sends the spec stopSignal'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const script = 'trap "exit 7" USR1; echo ready; while :; do sleep 0.1; done';
    const id = await driver.create(h.shSpec(script, { stopSignal: 'SIGUSR1' }));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    await within('stop', driver.stop(id, PATIENCE_MS));
    t.is((await driver.wait(id)).exitCode, 7);
  });

  test(title('stop is a no-op on a created container and idempotent on an exited one'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec('exit 5'));
    await driver.stop(id, 1000);
    t.is((await driver.inspect(id)).state, 'created');
    await driver.start(id);
    const exit = await within('exit', driver.wait(id));
    await driver.stop(id, 1000);
    await driver.stop(id, 1000);
    t.deepEqual((await driver.inspect(id)).exit, exit);
  });

  test(title('logs: stdout and stderr in order per stream, and tail'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(
      h.shSpec('echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo out3; printf "no newline"'),
    );
    await driver.start(id);
    await within('exit', driver.wait(id));
    t.deepEqual(await collectLogs(driver, id), {
      stdout: ['out1', 'out2', 'out3', 'no newline'],
      stderr: ['err1', 'err2'],
    });

    const only = await driver.create(h.shSpec('for i in 1 2 3 4 5; do echo line$i; done'));
    await driver.start(only);
    await within('exit', driver.wait(only));
    t.deepEqual((await collectLogs(driver, only, { tail: 2 })).stdout, ['line4', 'line5']);
    t.deepEqual((await collectLogs(driver, only, { tail: 10 })).stdout.length, 5);
    t.deepEqual((await collectLogs(driver, only, { tail: 0 })).stdout, []);
  });

  test(
    title('logs: follow yields lines as they are written and ends when the container exits'),
    async (t) => {
      const h = await harness(t, target);
      const driver = await h.newDriver();
      const id = await driver.create(h.shSpec(`echo one; ${waitForTrigger}; echo two; echo three >&2`));
      await driver.start(id);
      const seen: string[] = [];
      const following = (async () => {
        for await (const { stream, line } of driver.logs(id, { follow: true }))
          seen.push(`${stream}:${line}`);
      })();
      await waitFor('the first line', () => seen.includes('stdout:one'));
      await driver.exec(id, ['touch', TRIGGER]);
      await within('the end of the followed logs', following);
      // Order is promised within a stream, not across the two.
      t.deepEqual(
        seen.filter((l) => l.startsWith('stdout:')),
        ['stdout:one', 'stdout:two'],
      );
      t.deepEqual(
        seen.filter((l) => l.startsWith('stderr:')),
        ['stderr:three'],
      );
    },
  );

  test(title('logs: follow ends when its signal aborts'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec(`echo one; ${waitForTrigger}`));
    await driver.start(id);
    const abort = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const { line } of driver.logs(id, { follow: true, signal: abort.signal })) seen.push(line);
    })();
    await waitFor('the first line', () => seen.includes('one'));
    abort.abort();
    await within('the end of the followed logs', following);
    t.is((await driver.inspect(id)).state, 'running');
  });

  test(title('logs: each line has the time it was written, not the time it was read'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec('echo one; sleep 1; echo two >&2; sleep 1; echo three'));
    const before = Date.now();
    await driver.start(id);
    await within('exit', driver.wait(id));
    const after = Date.now();
    // Read well after the writes: a time of reading would be later than `after`.
    await delay(1500);
    const lines: LogLine[] = [];
    for await (const line of driver.logs(id, {})) lines.push(line);
    const time = (text: string): number => {
      const found = lines.find((l) => l.line === text);
      t.truthy(found?.time, `a time for "${text}"`);
      return found?.time ?? NaN;
    };
    const [one, two, three] = [time('one'), time('two'), time('three')];
    // Times of the container's clock and ours, which are the same machine's; ms precision.
    for (const at of [one, two, three]) t.true(at >= before - 1000 && at <= after + 1000, `${at} in the run`);
    t.true(two - one >= 900, `one ${one}, two ${two}: a second apart`);
    t.true(three - two >= 900, `two ${two}, three ${three}: a second apart`);
  });

  test(title('logs: since selects lines by the time they were written, and tail with it'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(
      // new3 well after new2: a stdout and a stderr line written back to back may be stamped either way round.
      h.shSpec(
        'echo old1; echo old2 >&2; echo old3; sleep 2; echo new1; echo new2 >&2; sleep 0.5; echo new3',
      ),
    );
    await driver.start(id);
    await within('exit', driver.wait(id));
    const all: LogLine[] = [];
    for await (const line of driver.logs(id, {})) all.push(line);
    const old3 = all.find((l) => l.line === 'old3')?.time;
    const new1 = all.find((l) => l.line === 'new1')?.time;
    t.truthy(old3 !== undefined && new1 !== undefined, 'lines have times');
    // Halfway between the two bursts: the files were both written after it.
    const since = Math.round(((old3 ?? 0) + (new1 ?? 0)) / 2);
    t.deepEqual(await collectLogs(driver, id, { since }), { stdout: ['new1', 'new3'], stderr: ['new2'] });
    t.deepEqual((await collectLogs(driver, id, { since, tail: 1 })).stdout, ['new3']);
    t.deepEqual((await collectLogs(driver, id, { since, tail: 5 })).stdout, ['new1', 'new3']);
    t.deepEqual((await collectLogs(driver, id, { since: (new1 ?? 0) + 60_000 })).stdout, []);
  });

  test(title('exec passes output and exit code through, with the container env'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(
      h.shSpec(`echo ready; ${waitForTrigger}`, { env: { GREETING: 'hi there' } }),
    );
    await driver.start(id);
    t.deepEqual(await driver.exec(id, ['sh', '-c', 'echo "$GREETING"; echo oops >&2; exit 5']), {
      exitCode: 5,
      stdout: 'hi there\n',
      stderr: 'oops\n',
    });
    t.is((await driver.exec(id, ['true'])).exitCode, 0);
  });

  test(title('exec with a timeout: the command is killed then, and the result says so'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec(`echo ready; ${waitForTrigger}`));
    await driver.start(id);
    // A child left in the background would keep the output open: it goes too. The timeout
    // leaves a busy engine (dockerd's execs start slowly under load) time to start the command.
    const hung = await driver.exec(id, ['sh', '-c', 'sleep 300 & echo started; sleep 301'], {
      timeoutMs: 2_000,
    });
    t.like(hung, { timedOut: true, exitCode: 137, stdout: 'started\n' });
    t.deepEqual(await driver.exec(id, ['true'], { timeoutMs: 10_000 }), {
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
  });

  test(title('exec into a container that is not running is refused'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec('exit 0'));
    await rejectsWith(t, driver.exec(id, ['true']), ['INVALID_ARGUMENT', 'CONFLICT']);
  });

  test(title('env: the spec env on a clean base; workdir as given, also for exec'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const script = `echo "greeting=$GREETING"; echo "leak=\${${LEAK_VAR}-unset}"; echo "path=\${PATH:+set}"; pwd; ${waitForTrigger}`;
    const id = await driver.create(h.shSpec(script, { env: { GREETING: 'hello  world' }, workdir: '/tmp' }));
    await driver.start(id);
    await waitForLine(driver, id, '/tmp');
    t.deepEqual((await collectLogs(driver, id)).stdout, [
      'greeting=hello  world',
      'leak=unset',
      'path=set',
      '/tmp',
    ]);
    const inside = await driver.exec(id, ['sh', '-c', 'echo "$GREETING"; pwd']);
    t.is(inside.stdout, 'hello  world\n/tmp\n');
  });

  test(
    title('secretEnv: on top of env for the command and exec, in no file of the driver, in no error'),
    async (t) => {
      const h = await harness(t, target);
      const driver = await h.newDriver();
      const secret = `secret-${randomBytes(8).toString('hex')}`;
      const digest = createHash('sha256').update(secret).digest('hex');
      // Only digests of the value are printed: the logs are the driver's files too.
      const show = 'printf %s "$TOKEN" | sha256sum; echo "greeting=$GREETING"';
      const id = await driver.create(
        h.shSpec(`${show}; ${waitForTrigger}`, {
          env: { GREETING: 'hi', TOKEN: 'overridden' },
          secretEnv: { TOKEN: secret },
        }),
      );
      await driver.start(id);
      await waitForLine(driver, id, 'greeting=hi');
      t.regex((await collectLogs(driver, id)).stdout[0] ?? '', new RegExp(`^${digest}\\b`));
      t.regex((await driver.exec(id, ['sh', '-c', show])).stdout, new RegExp(`^${digest}\\b`));
      // Drivers that keep files of their own (under the node's data dir) name their root in their options.
      const { root } = h.options as { root?: string };
      if (root) t.deepEqual(await filesHolding(root, secret), []);
      const err = await t.throwsAsync(driver.create(h.shSpec('true', { secretEnv: { BAD: `${secret}\0` } })));
      t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
      t.false(err?.message.includes(secret), err?.message);
    },
  );

  test(title('list returns the containers that carry all given labels'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const a1 = await driver.create(h.shSpec('exit 0', { labels: { app: 'a', role: 'x' } }));
    const a2 = await driver.create(h.shSpec('exit 0', { labels: { app: 'a', role: 'y' } }));
    const b = await driver.create(h.shSpec('exit 0', { labels: { app: 'b' } }));
    const ids = async (labels: Record<string, string>): Promise<string[]> =>
      (await driver.list({ ...labels, [RUN_LABEL]: h.shSpec('').labels[RUN_LABEL] as string }))
        .map((c) => c.id)
        .sort();
    t.deepEqual(await ids({ app: 'a' }), [a1, a2].sort());
    t.deepEqual(await ids({ app: 'a', role: 'y' }), [a2]);
    t.deepEqual(await ids({}), [a1, a2, b].sort());
    t.deepEqual(await ids({ app: 'c' }), []);
    const [summary] = await driver.list({ app: 'b', [RUN_LABEL]: h.shSpec('').labels[RUN_LABEL] as string });
    t.like(summary, { id: b, state: 'created', labels: { app: 'b' } });
  });

  test(title('stats of a running process'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    // Burn some CPU before saying ready, so that there is CPU time to report.
    const script = `i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo ready; ${waitForTrigger}`;
    const id = await driver.create(h.shSpec(script));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    const stats = await driver.stats(id);
    t.true(stats.cpuSeconds > 0, `cpuSeconds ${stats.cpuSeconds}`);
    t.true(stats.memoryBytes > 0, `memoryBytes ${stats.memoryBytes}`);
  });

  test(title('remove refuses a running container, then cleans up; no process is left behind'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    // A background child too, which must not outlive the container.
    const id = await driver.create(h.shSpec('sleep 1000 & echo ready; wait'));
    await driver.start(id);
    await waitForLine(driver, id, 'ready');
    const { pid } = await driver.inspect(id);

    await rejectsWith(t, driver.remove(id), ['INVALID_ARGUMENT', 'CONFLICT']);
    t.is((await driver.inspect(id)).state, 'running');

    await within('stop', driver.stop(id, 5000));
    await driver.remove(id);
    await rejectsWith(t, driver.inspect(id), ['NOT_FOUND']);
    t.deepEqual(await driver.list({ [RUN_LABEL]: h.shSpec('').labels[RUN_LABEL] as string }), []);
    if (pid !== undefined) t.deepEqual(await processGroup(pid), [], `processes left in group ${pid}`);
  });

  test(title('unknown ids are NOT_FOUND; bad specs are INVALID_ARGUMENT'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    for (const id of ['0123456789abcdef0123456789abcdef', '../etc', '']) {
      await rejectsWith(t, driver.inspect(id), ['NOT_FOUND']);
      await rejectsWith(t, driver.start(id), ['NOT_FOUND']);
      await rejectsWith(t, driver.wait(id), ['NOT_FOUND']);
      await rejectsWith(t, driver.stop(id, 0), ['NOT_FOUND']);
      await rejectsWith(t, driver.remove(id), ['NOT_FOUND']);
      await rejectsWith(t, driver.exec(id, ['true']), ['NOT_FOUND']);
      await rejectsWith(t, driver.stats(id), ['NOT_FOUND']);
      await rejectsWith(t, collectLogs(driver, id), ['NOT_FOUND']);
    }
    await rejectsWith(t, driver.create({ ...h.shSpec(''), command: [''] }), ['INVALID_ARGUMENT']);
    await rejectsWith(t, driver.create(h.shSpec('', { stopSignal: 'SIGNOPE' as NodeJS.Signals })), [
      'INVALID_ARGUMENT',
    ]);
  });

  test(title('adoption: a new driver instance lists, waits for and stops a running container'), async (t) => {
    const h = await harness(t, target);
    const first = await h.newDriver();
    const script = 'trap "exit 6" TERM; echo ready; while :; do sleep 0.1; done';
    const id = await first.create(h.shSpec(script, { labels: { slot: '1' } }));
    await first.start(id);
    await waitForLine(first, id, 'ready');
    await first.close();

    const second = await h.newDriver();
    const [adopted] = await second.list({ slot: '1', [RUN_LABEL]: h.shSpec('').labels[RUN_LABEL] as string });
    t.like(adopted, { id, state: 'running' });
    const waits = [second.wait(id), second.wait(id)];
    await within('stop', second.stop(id, PATIENCE_MS));
    const [a, b] = await within('waits', Promise.all(waits));
    t.is(a?.exitCode, 6);
    t.deepEqual(a, b);
    await second.remove(id);
  });

  test(title('adoption: a new driver instance sees an adopted container exit on its own'), async (t) => {
    const h = await harness(t, target);
    const first = await h.newDriver();
    const id = await first.create(h.shSpec(`echo ready; ${waitForTrigger}; exit 4`));
    await first.start(id);
    await waitForLine(first, id, 'ready');
    await first.close();

    const second = await h.newDriver();
    const exited = second.wait(id);
    await second.exec(id, ['touch', TRIGGER]);
    t.is((await within('exit', exited)).exitCode, 4);
    t.like(await second.inspect(id), { state: 'exited', exit: { exitCode: 4 } });
  });

  test(title('adoption: a container started by a node process that has since exited'), async (t) => {
    const h = await harness(t, target);
    const spec = h.shSpec('trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done');
    const starter = new URL('./fixtures/start-container.js', import.meta.url);
    const child = spawn(
      process.execPath,
      [starter.pathname, target.factoryModule, JSON.stringify(h.options), JSON.stringify(spec)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await within('the starter process to exit', once(child, 'close'))) as [number | null];
    t.is(code, 0, 'the starter exits by itself, leaving the container running');
    const id = stdout.trim();

    const driver = await h.newDriver();
    t.like(await driver.inspect(id), { state: 'running' });
    await waitForLine(driver, id, 'ready');
    const exited = driver.wait(id);
    await within('stop', driver.stop(id, PATIENCE_MS));
    t.is((await within('exit', exited)).exitCode, 0);
    const { pid } = await driver.inspect(id);
    await driver.remove(id);
    if (pid !== undefined) t.deepEqual(await processGroup(pid), []);
  });

  const limitsTest = target.limits === true ? test : test.skip;
  const limitsTitle = (what: string): string =>
    title(target.limits === true ? what : `${what} (skipped: ${target.limits})`);

  limitsTest(limitsTitle('limits: a memory hog is OOM-killed'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const hog = 'echo ready; a=0123456789abcdef; while :; do a="$a$a"; done';
    const id = await driver.create(h.shSpec(hog, { limits: { memoryBytes: 32 * 1024 * 1024 } }));
    await driver.start(id);
    const exit = await within('the OOM kill', driver.wait(id));
    t.is(exit.exitCode, 137);
    t.is(exit.signal, 'SIGKILL');
  });

  limitsTest(limitsTitle('limits: the pids limit stops forks'), async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    // Some shells give up at the first failed fork, others go on: either way, it says so.
    const forks =
      'i=0; while [ $i -lt 20 ]; do sleep 60 & i=$((i+1)); done; kill $(jobs -p) 2>/dev/null; exit 0';
    const id = await driver.create(h.shSpec(forks, { limits: { pids: 8 } }));
    await driver.start(id);
    await within('exit', driver.wait(id));
    t.regex((await collectLogs(driver, id)).stderr.join('\n'), /fork|resource/i);
  });

  if (target.leftovers) {
    const leftovers = target.leftovers;
    test(title('cleanup: a removed container leaves nothing behind in the runtime'), async (t) => {
      const h = await harness(t, target);
      const driver = await h.newDriver();
      const id = await driver.create(h.shSpec(`echo ready; ${waitForTrigger}`));
      await driver.start(id);
      await waitForLine(driver, id, 'ready');
      t.not((await leftovers(id)).length, 0, 'a running container shows in the runtime');
      await within('stop', driver.stop(id, 1000));
      await driver.remove(id);
      t.deepEqual(await leftovers(id), []);
    });
  }
}
