import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import { Command } from 'commander';
import {
  eventJson,
  eventLine,
  eventPrinter,
  eventsCommand as eventsCommands,
  followEvents,
  parseTime,
  requestFromFlags,
} from '../../../cli/commands/cluster/events.js';
import { isFlotillaError } from '../../../lib/errors.js';
import type { ClusterEvent } from '../../../proto/gen/flotilla/ClusterEvent.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { WatchEventsRequest } from '../../../proto/gen/flotilla/WatchEventsRequest.js';

const NOW = Date.parse('2026-12-07T14:00:00.000Z');

test('--since and --until: a duration ago, Unix seconds, or a date and time', (t) => {
  t.is(parseTime('--since', '10m', NOW), NOW - 600_000);
  t.is(parseTime('--since', '1h30m', NOW), NOW - 5_400_000);
  t.is(parseTime('--since', '1765116000', NOW), 1_765_116_000_000);
  t.is(parseTime('--since', '1765116000.25', NOW), 1_765_116_000_250);
  t.is(parseTime('--since', '2026-12-07T13:00:00Z', NOW), NOW - 3_600_000);
  t.is(parseTime('--since', '2026-12-07T13:00:00.500+01:00', NOW), NOW - 7_199_500);
  for (const bad of ['', 'yesterday', '-5m', '10 m', '1e9', '2026-13-45']) {
    const err = t.throws(() => parseTime('--until', bad, NOW));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', /^invalid --until: expected a duration ago such as 10m, a time such as/);
  }
});

test('--filter: keys fill the request, the same key more than once adds values', (t) => {
  const req = requestFromFlags(
    {
      filter: [
        'type=service',
        'type=task',
        'name=web',
        'id=abc',
        'service=web',
        'node=box1',
        'event=running',
      ],
      since: '10m',
      until: '1m',
    },
    NOW,
  );
  t.deepEqual(req, {
    types: ['service', 'task'],
    names: ['web'],
    ids: ['abc'],
    services: ['web'],
    nodes: ['box1'],
    events: ['running'],
    sinceMs: NOW - 600_000,
    untilMs: NOW - 60_000,
  });
  const none = requestFromFlags({ filter: [] }, NOW);
  t.is(none.sinceMs, 0);
  t.is(none.untilMs, 0);
  // A value may hold '=' itself.
  t.deepEqual(requestFromFlags({ filter: ['name=a=b'] }, NOW).names, ['a=b']);
});

test('bad filters and times are refused, naming the flag', (t) => {
  const cases: [string[], RegExp][] = [
    [
      ['colour=red'],
      /^invalid --filter: expected KEY=VALUE with KEY one of type, name, id, service, node, event/,
    ],
    [['type'], /^invalid --filter/],
    [['name='], /^invalid --filter/],
    [['type=container'], /^invalid --filter: expected type=service\|task\|node\|network\|secret\|config/],
    [['event=die'], /^invalid --filter: expected event=create\|update\|remove/],
  ];
  for (const [filter, message] of cases) {
    const err = t.throws(() => requestFromFlags({ filter }, NOW));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', message);
  }
  const backwards = t.throws(() => requestFromFlags({ filter: [], since: '1m', until: '10m' }, NOW));
  t.regex(backwards?.message ?? '', /^invalid --until: expected a time after --since, got "10m"/);
});

const sample: ClusterEvent = {
  type: 'service',
  action: 'update',
  id: 'abc123',
  name: 'web',
  index: 42,
  timeMs: NOW,
  attributes: { replicas: '3', image: 'web:2', 'image.old': 'web:1' },
};

test('a line per event as docker events prints them; JSON one object per line', (t) => {
  t.is(
    eventLine(sample),
    '2026-12-07T14:00:00.000Z service update abc123 (name=web, image=web:2, image.old=web:1, replicas=3)',
  );
  t.is(
    eventLine({ ...sample, name: '', attributes: {} }),
    '2026-12-07T14:00:00.000Z service update abc123 ()',
  );
  const json = eventJson(sample);
  t.false(json.includes('\n'));
  t.deepEqual(JSON.parse(json), {
    time: '2026-12-07T14:00:00.000Z',
    type: 'service',
    action: 'update',
    id: 'abc123',
    name: 'web',
    index: 42,
    attributes: sample.attributes,
  });
});

/** A client whose WatchEvents stream the test drives. */
function fakeClient() {
  const calls: { req: WatchEventsRequest; stream: EventEmitter }[] = [];
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:m1:4242' }),
    WatchEvents: (req: WatchEventsRequest) => {
      const stream = new EventEmitter();
      calls.push({ req, stream });
      return stream;
    },
  } as unknown as ControlClient;
  return { client, calls };
}

const serviceError = (code: string, details: string) => {
  const metadata = new grpc.Metadata();
  metadata.set('flotilla-code', code);
  return Object.assign(new Error(details), { code: grpc.status.UNAVAILABLE, details, metadata });
};

test('followEvents: events and warnings as they come, done when the stream ends', async (t) => {
  const { client, calls } = fakeClient();
  const seen: ClusterEvent[] = [];
  const warnings: string[] = [];
  const done = followEvents(
    client,
    requestFromFlags({ filter: [] }, NOW),
    (e) => seen.push(e),
    (w) => warnings.push(w),
  );
  const { stream } = calls[0]!;
  const md = new grpc.Metadata();
  md.set('flotilla-warning', 'this manager keeps its latest 10000 events');
  stream.emit('metadata', md);
  stream.emit('data', sample);
  stream.emit('end');
  await done;
  t.deepEqual(seen, [sample]);
  t.deepEqual(warnings, ['this manager keeps its latest 10000 events']);
});

test('followEvents: a stream that fails once begun says it ended; a refusal is passed on as it is', async (t) => {
  const { client, calls } = fakeClient();
  const req = requestFromFlags({ filter: [] }, NOW);
  const begun = followEvents(
    client,
    req,
    () => undefined,
    () => undefined,
  );
  calls[0]!.stream.emit('metadata', new grpc.Metadata());
  calls[0]!.stream.emit(
    'error',
    serviceError('UNAVAILABLE', 'this manager stopped, and its event stream with it'),
  );
  const ended = await t.throwsAsync(begun);
  t.true(isFlotillaError(ended, 'UNAVAILABLE'));
  t.is(
    ended?.message,
    'the event stream from m1:4242 ended: this manager stopped, and its event stream with it',
  );

  const refused = followEvents(
    client,
    req,
    () => undefined,
    () => undefined,
  );
  calls[1]!.stream.emit('error', serviceError('NO_QUORUM', 'no quorum'));
  const err = await t.throwsAsync(refused);
  t.true(isFlotillaError(err, 'NO_QUORUM'));
  t.is(err?.message, 'no quorum');
});

test('`cluster events` prints lines, or JSON with --format json, and checks its flags first', async (t) => {
  const run = async (args: string[]) => {
    const { client, calls } = fakeClient();
    const program = new Command('cluster').exitOverride();
    eventsCommands(
      program,
      () => client,
      (o) => o.format === 'json',
    );
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const parsed = program.parseAsync(['node', 'cluster', 'events', ...args]);
      await new Promise((r) => setImmediate(r));
      for (const { stream } of calls) {
        stream.emit('data', sample);
        stream.emit('end');
      }
      await parsed;
    } finally {
      console.log = log;
    }
    return { lines, req: calls[0]?.req };
  };
  const text = await run(['-f', 'type=service', '--filter', 'event=update']);
  t.deepEqual(text.lines, [eventLine(sample)]);
  t.deepEqual(text.req?.types, ['service']);
  t.deepEqual(text.req?.events, ['update']);
  const json = await run(['--format', 'json', '--since', '2026-12-07T13:00:00Z']);
  t.deepEqual(json.lines, [eventJson(sample)]);
  t.is(json.req?.sinceMs, NOW - 3_600_000);
  const template = await run(['--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  t.deepEqual(template.lines, ['service update web']);
  await t.throwsAsync(run(['--filter', 'colour=red']), { message: /^invalid --filter/ });
  // A bad template is refused before the stream is asked for.
  const bad = await t.throwsAsync(run(['--format', '{{.Colour}}']));
  t.regex(bad?.message ?? '', /^invalid --format: expected a field among \.Time, /);
});

test("--format TEMPLATE: docker's fields and ours; an attribute an event lacks prints as nothing", (t) => {
  const print = eventPrinter(
    '{{.Time}}\t{{.Type}}/{{.Action}} {{.ID}} {{.Name}} #{{.Index}} {{.Attributes.image}}{{.Attributes.state}} {{.Actor.ID}}',
    () => false,
  );
  t.is(print(sample), '2026-12-07T14:00:00.000Z\tservice/update abc123 web #42 web:2 abc123');
  t.is(eventPrinter('{{.TimeNano}}', () => false)(sample), `${NOW}000000`);
  t.is(eventPrinter('{{json .Attributes}}', () => false)(sample), JSON.stringify(sample.attributes));
  t.is(
    eventPrinter('{{json .Actor}}', () => false)(sample),
    JSON.stringify({ ID: 'abc123', Attributes: { ...sample.attributes, name: 'web' } }),
  );
  t.is(eventPrinter('{{upper .Type}}', () => false)(sample), 'SERVICE');
  t.is(eventPrinter('table', () => false)(sample), eventLine(sample));
  t.is(eventPrinter('json', () => true)(sample), eventJson(sample));
});
