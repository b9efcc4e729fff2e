import test from 'ava';
import { humanDuration } from '../../../lib/durations.js';
import { isFlotillaError } from '../../../lib/errors.js';
import { parseCount, parseDuration, table, titleCase } from '../../../cli/format.js';
import { CREATE_DEFAULTS, specFromFlags } from '../../../cli/commands/service/spec.js';
import { TASKS, taskItems } from '../../../cli/task-listing.js';
import { validateServiceSpec } from '../../../manager/api/validate.js';
import { placementWith, type Task } from '../../../proto/types.js';
import { makeNode, makeService, makeStatus, makeTask } from '../helpers.js';

test('parseDuration reads ms, s, m, h and combinations', (t) => {
  t.is(parseDuration('--d', '500ms'), 500);
  t.is(parseDuration('--d', '5s'), 5000);
  t.is(parseDuration('--d', '1m30s'), 90_000);
  t.is(parseDuration('--d', '2h'), 7_200_000);
  t.is(parseDuration('--d', '1h2m3s4ms'), 3_723_004);
  t.is(parseDuration('--d', '1.5s'), 1500);
  t.is(parseDuration('--d', '0'), 0);
  t.is(parseDuration('--d', '0s'), 0);
});

for (const bad of ['', '5', 'abc', '-5s', '5x', '1m30', ' 5s', '5s ', '1m 30s', 's', '.5s', '5S']) {
  test(`parseDuration rejects ${JSON.stringify(bad)}, naming the flag`, (t) => {
    const err = t.throws(() => parseDuration('--restart-delay', bad));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', /^invalid --restart-delay: expected a duration such as 500ms/);
    t.true(err?.message.includes(JSON.stringify(bad)));
  });
}

test('parseCount reads whole numbers up to the maximum', (t) => {
  t.is(parseCount('--replicas', '0'), 0);
  t.is(parseCount('--replicas', '3'), 3);
  t.is(parseCount('--replicas', '100000'), 100_000);
  t.is(parseCount('--n', '5', 5), 5);
});

for (const bad of ['-1', 'abc', '1.5', '', ' 1', '1e3', '100001', '0x10']) {
  test(`parseCount rejects ${JSON.stringify(bad)}, naming the flag`, (t) => {
    const err = t.throws(() => parseCount('--replicas', bad));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', /^invalid --replicas: expected a whole number from 0 to 100000/);
  });
}

test('humanDuration', (t) => {
  t.is(humanDuration(-5000), 'less than a second');
  t.is(humanDuration(0), 'less than a second');
  t.is(humanDuration(499), 'less than a second');
  t.is(humanDuration(1000), '1 second');
  t.is(humanDuration(5000), '5 seconds');
  t.is(humanDuration(59_000), '59 seconds');
  t.is(humanDuration(60_000), 'about a minute');
  t.is(humanDuration(150_000), '3 minutes');
  t.is(humanDuration(3_600_000), 'about an hour');
  t.is(humanDuration(5 * 3_600_000), '5 hours');
  t.is(humanDuration(3 * 86_400_000), '3 days');
});

test('table pads every column but the last to its widest cell', (t) => {
  const out = table(
    ['ID', 'NAME', 'STATE'],
    [
      ['a1', 'web', 'Running'],
      ['b22222', 'database-primary', 'Pending'],
      ['c', '', ''],
    ],
  );
  t.is(
    out,
    [
      'ID       NAME               STATE',
      'a1       web                Running',
      'b22222   database-primary   Pending',
      'c',
    ].join('\n'),
  );
  const lines = out.split('\n');
  // Every column starts at the same offset on every line that has it.
  const nameAt = lines[0]!.indexOf('NAME');
  t.is(lines[1]!.indexOf('web'), nameAt);
  t.is(lines[2]!.indexOf('database-primary'), nameAt);
  t.true(lines.every((l) => l === l.trimEnd()));
  t.is(table(['A', 'B'], []), 'A   B');
});

test('titleCase', (t) => {
  t.is(titleCase('RUNNING'), 'Running');
  t.is(titleCase(''), '');
});

const defaults = { ...CREATE_DEFAULTS, name: 'web', replicas: '1' };

test('specFromFlags maps every flag into the spec', (t) => {
  const spec = specFromFlags('host', ['sleep', '100'], {
    ...defaults,
    replicas: '3',
    env: ['A=1', 'B=two'],
    label: ['team=web', 'tier'],
    containerLabel: ['x=y=z'],
    workdir: '/srv',
    restartCondition: 'on-failure',
    restartDelay: '500ms',
    restartMaxAttempts: '4',
    restartWindow: '1m30s',
    stopSignal: 'SIGINT',
    stopGracePeriod: '2s',
  });
  t.deepEqual(spec, {
    name: 'web',
    labels: { team: 'web', tier: '' },
    mode: 'replicated',
    replicated: { replicas: 3 },
    task: {
      container: {
        image: 'host',
        command: [],
        args: ['sleep', '100'],
        env: ['A=1', 'B=two'],
        dir: '/srv',
        labels: { x: 'y=z' },
        stopSignal: 'SIGINT',
        stopGracePeriodMs: 2000,
        user: '',
        hostname: '',
        healthcheck: null,
        mounts: [],
        readOnly: false,
        capAdd: [],
        capDrop: [],
        registryAuth: '',
        hostNetwork: false,
        secrets: [],
        configs: [],
        registryAuthSecret: '',
      },
      restart: { condition: 'RESTART_ON_FAILURE', delayMs: 500, maxAttempts: 4, windowMs: 90_000 },
      placement: placementWith(),
      resources: null,
      forceUpdate: 0,
      networks: [],
    },
    update: null,
    rollback: null,
  });
  t.notThrows(() => validateServiceSpec(spec));
});

test('specFromFlags with the defaults of `service create` gives a valid spec', (t) => {
  const spec = specFromFlags('busybox', [], defaults);
  t.is(spec.task?.restart?.condition, 'RESTART_ANY');
  t.is(spec.task?.restart?.delayMs, 5000);
  t.is(spec.task?.container?.stopGracePeriodMs, 10_000);
  t.is(spec.task?.container?.dir, '');
  t.is(spec.task?.container?.stopSignal, '');
  t.notThrows(() => validateServiceSpec(spec));
  t.is(
    specFromFlags('busybox', [], { ...defaults, restartCondition: 'none' }).task?.restart?.condition,
    'RESTART_NONE',
  );
});

type Flags = Parameters<typeof specFromFlags>[2];
const badFlags: [string, Partial<Flags>][] = [
  ['--restart-condition', { restartCondition: 'sometimes' }],
  ['--restart-condition', { restartCondition: 'RESTART_ANY' }],
  ['--replicas', { replicas: '-1' }],
  ['--restart-delay', { restartDelay: '5' }],
  ['--restart-max-attempts', { restartMaxAttempts: 'many' }],
  ['--restart-window', { restartWindow: 'forever' }],
  ['--stop-grace-period', { stopGracePeriod: '-1s' }],
  ['--label', { label: ['=x'] }],
  ['--container-label', { containerLabel: ['=x'] }],
];
for (const [flag, change] of badFlags) {
  test(`specFromFlags rejects a bad ${flag} (${JSON.stringify(Object.values(change)[0])})`, (t) => {
    const err = t.throws(() => specFromFlags('host', ['true'], { ...defaults, ...change }));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.true(err?.message.startsWith(`invalid ${flag}:`), err?.message);
  });
}

test('a table of 200,000 rows prints (the widths are not spread into one call)', (t) => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [`task-${i}`, 'Running']);
  const lines = table(['ID', 'STATE'], rows).split('\n');
  t.is(lines.length, 200_001);
  t.is(lines.at(-1), 'task-199999   Running');
});

test('the task table: sorted by service and slot, history under the current task, node names', (t) => {
  const node = makeNode();
  node.description!.hostname = 'worker-1';
  const web = makeService();
  const now = 1_000_000;
  const row = (task: Task, createdAt: number) => ({
    ...task,
    meta: { version: 1, createdAt, updatedAt: createdAt },
  });
  const current = row(
    makeTask(web, {
      id: 'current-task-id-long',
      slot: 1,
      nodeId: node.id,
      status: makeStatus('RUNNING', { timestamp: now - 5000 }),
    }),
    now - 6000,
  );
  const old = row(
    makeTask(web, {
      id: 'old-task-id',
      slot: 1,
      nodeId: 'unknownnode123456',
      desiredState: 'SHUTDOWN',
      status: makeStatus('FAILED', { timestamp: now - 120_000, err: 'exit code 1' }),
    }),
    now - 200_000,
  );
  const second = row(makeTask(web, { id: 'second', slot: 2 }), now - 1000);
  second.status = { ...second.status!, timestamp: now };
  const columns = TASKS.columns.filter((c) => !c.extra);
  const rows = taskItems([second, old, current], [node], now).map((i) =>
    columns.map((c) => (c.cell ?? c.value)(i)),
  );
  t.deepEqual(rows, [
    ['current-task', 'web.1', 'worker-1', 'Running', 'Running 5 seconds ago', ''],
    ['old-task-id', ' \\_ web.1', 'unknownnode1', 'Shutdown', 'Failed 2 minutes ago', 'exit code 1'],
    ['second', 'web.2', '', 'Running', 'Pending less than a second ago', ''],
  ]);
});
