/**
 * `cluster events` against a real manager: a follower of the stream as a child process sees a
 * service created, scaled and removed, in order; `--since` afterwards finds those events in
 * what the manager kept; a manager that stops ends the stream, and the CLI says so. A
 * follower's stream goes on while its leader is away and while it has no quorum.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

interface Shown {
  time: string;
  type: string;
  action: string;
  id: string;
  name: string;
  index: number;
  attributes: Record<string, string>;
}

let c: LocalCluster;
/** When the test began: every event of the cluster is after it. */
let start = '';
test.before(async (t) => {
  start = new Date().toISOString();
  c = await LocalCluster.create();
  const res = await c.init('m1');
  t.is(res.code, 0, res.stderr);
});
test.after.always(() => c?.destroy());

/** `cluster events ARGS` as a child process: what it printed so far, and how it ended. */
function follow(t: { teardown(fn: () => void): void }, on: [LocalCluster, string], ...args: string[]) {
  const [cluster, manager] = on;
  const child: ChildProcess = spawn(process.execPath, [cli, ...cluster.admin(manager), 'events', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const out = { stdout: '', stderr: '', code: undefined as number | null | undefined };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  child.on('exit', (code) => (out.code = code));
  const events = () =>
    out.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Shown);
  return { child, out, events };
}

/**
 * Creates marker secrets until the stream shows one: from then on it sees what happens. The
 * value is looked for in the output later, where it must never be.
 */
let markers = 0;
async function begun(on: [LocalCluster, string], events: () => Shown[]): Promise<void> {
  const [cluster, manager] = on;
  await eventually(
    'the event stream to begin',
    async () => {
      const res = await runCli(
        [...cluster.admin(manager), 'secret', 'create', `marker-${++markers}`, '-'],
        {},
        'hush-value',
      );
      if (res.code !== 0) throw new Error(res.stderr);
      return eventually('the marker', async () => events().some((e) => e.type === 'secret'), 3_000).catch(
        () => false,
      );
    },
    90_000,
  );
}

const ok = async (...args: string[]) => {
  const res = await c.cli('m1', ...args);
  if (res.code !== 0) throw new Error(`cluster ${args.join(' ')}: ${res.stderr}`);
  return res;
};

const indexOf = (events: Shown[], fn: (e: Shown) => boolean) => events.findIndex(fn);

test.serial('a follower sees a service created, scaled and removed, in order', async (t) => {
  const { events, out } = follow(t, [c, 'm1'], '--format', 'json');
  await begun([c, 'm1'], events);
  await ok(...sleeperService('web'));
  await eventually('web.1 running', async () =>
    events().some((e) => e.name === 'web.1' && e.action === 'running'),
  );
  await ok('service', 'scale', 'web=2');
  await eventually('web.2 running', async () =>
    events().some((e) => e.name === 'web.2' && e.action === 'running'),
  );
  await ok('service', 'rm', 'web');
  const seen = await eventually('web removed', async () => {
    const all = events();
    return all.some((e) => e.type === 'service' && e.action === 'remove') && all;
  });

  const created = indexOf(seen, (e) => e.type === 'service' && e.action === 'create');
  const service = seen[created]!;
  t.like(service, { name: 'web', attributes: { image: 'host', replicas: '1' } });
  t.regex(service.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const task1 = indexOf(seen, (e) => e.type === 'task' && e.name === 'web.1' && e.action === 'create');
  const running1 = indexOf(seen, (e) => e.name === 'web.1' && e.action === 'running');
  const scaled = indexOf(
    seen,
    (e) => e.type === 'service' && e.action === 'update' && e.attributes.replicas === '2',
  );
  const running2 = indexOf(seen, (e) => e.name === 'web.2' && e.action === 'running');
  const removed = indexOf(seen, (e) => e.type === 'service' && e.action === 'remove');
  t.true(created < task1 && task1 < running1 && running1 < scaled && scaled < running2 && running2 < removed);
  t.like(seen[scaled], { id: service.id, attributes: { 'replicas.old': '1' } });
  t.like(seen[running1], {
    attributes: { service: 'web', 'service.id': service.id, 'node.name': 'm1', state: 'running' },
  });
  t.truthy(seen[running1]?.attributes['state.old']);
  // The store's index orders the stream.
  const indexes = seen.map((e) => e.index);
  t.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
  );
  t.false(out.stdout.includes('hush-value'));
  t.false(out.stdout.includes(Buffer.from('hush-value').toString('base64')));
});

test.serial('--since afterwards shows the events the manager kept; --until ends the command', async (t) => {
  const now = new Date().toISOString();
  const res = await ok(
    'events',
    '--format',
    'json',
    '--since',
    start,
    '--until',
    now,
    '--filter',
    'type=service',
  );
  const shown = res.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Shown);
  const web = shown.filter((e) => e.name === 'web');
  t.is(web[0]?.action, 'create');
  t.is(web.at(-1)?.action, 'remove');
  t.true(web.slice(1, -1).every((e) => e.action === 'update'));
  t.true(web.some((e) => e.attributes.replicas === '2'));

  // As lines, and filtered: the tasks of web that ran.
  const lines = await ok(
    'events',
    '--since',
    start,
    '--until',
    now,
    '-f',
    'service=web',
    '-f',
    'event=running',
  );
  const rows = lines.stdout.trim().split('\n');
  t.is(rows.length, 2, lines.stdout);
  for (const row of rows) {
    t.regex(row, /^\S+Z task running \S+ \(name=web\.[12], desired=running, node=\S+, node\.name=m1, /);
  }
  // Through a template: one line per event, with the fields asked for (services have no state).
  const templated = await ok(
    'events',
    ...['--since', start, '--until', now, '-f', 'type=service', '-f', 'name=web'],
    ...[
      '--format',
      '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Attributes.replicas}}{{.Attributes.state}}',
    ],
  );
  const templatedLines = templated.stdout.trim().split('\n');
  t.is(templatedLines.length, web.length, templated.stdout);
  t.is(templatedLines[0], 'service create web 1');
  t.regex(templatedLines.at(-1) ?? '', /^service remove web \d$/);

  // Before this manager started: it says it has nothing that old.
  const old = await ok('events', '--since', '2020-01-01T00:00:00Z', '--until', now, '-f', 'type=network');
  t.regex(
    old.stderr,
    /^warning: this manager keeps its latest 10000 events, from .*: earlier ones are not shown/,
  );
  t.is(old.stdout, '');
});

test.serial('a manager that stops ends the stream, and the CLI says so', async (t) => {
  const { events, out } = follow(t, [c, 'm1'], '--format', 'json');
  await begun([c, 'm1'], events);
  await c.stop('m1');
  await eventually('the CLI to exit', async () => out.code !== undefined);
  t.is(out.code, 1);
  t.regex(out.stderr, /^error: the event stream from 127\.0\.0\.1:\d+ ended: /m);
});

test.serial("a follower's stream goes on when the leader stops, and while it has no quorum", async (t) => {
  const ha = await LocalCluster.create();
  t.teardown(() => ha.destroy());
  const init = await ha.init('m1');
  t.is(init.code, 0, init.stderr);
  for (const m of ['m2', 'm3']) {
    const res = await ha.joinManager(m, 'm1');
    t.is(res.code, 0, res.stderr);
  }
  const { events, out } = follow(t, [ha, 'm2'], '--format', 'json');
  await begun([ha, 'm2'], events);
  const createdVia = async (manager: string, name: string) => {
    await eventually(`${name} created through ${manager}`, async () => {
      const res = await ha.cli(manager, ...sleeperService(name));
      return res.code === 0 || /already exists/.test(res.stderr);
    });
    await eventually(`${name} in the stream`, async () =>
      events().some((e) => e.name === name && e.action === 'create'),
    );
  };

  await ha.stop('m1');
  await createdVia('m2', 'after-leader');

  await ha.stop('m3');
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const now = () => new Date().toISOString();
  const refused = await eventually('m2 to refuse a new stream', async () => {
    const res = await ha.cli('m2', 'events', '--since', since, '--until', now());
    return res.code !== 0 && res;
  });
  t.regex(refused.stderr, /cluster --stale-ok events/);
  const stale = await ha.cli(
    'm2',
    '--stale-ok',
    'events',
    '--since',
    since,
    '--until',
    now(),
    '-f',
    'name=after-leader',
  );
  t.is(stale.code, 0, stale.stderr);
  t.regex(stale.stderr, /^warning: no quorum confirms this manager's copy/);
  t.regex(stale.stdout, /service create \S+ \(name=after-leader, /);
  t.is(out.code, undefined, `the follower ended: ${out.stderr}`);

  ha.restart('m1');
  ha.restart('m3');
  await createdVia('m2', 'quorum-back');
  t.is(out.code, undefined, `the follower ended: ${out.stderr}`);
  const indexes = events().map((e) => e.index);
  t.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
  );
});
