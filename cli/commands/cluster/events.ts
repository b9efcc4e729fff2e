/**
 * `cluster events`: the cluster's changes as they happen, as `docker events` shows a swarm's:
 * one line per event (or one JSON object per line, or a line of a Go-style template), followed
 * until Ctrl-C or `--until`.
 * `--since` reaches back into the events the manager called keeps: its latest 10,000, since
 * it started (each manager keeps its own; a restart forgets them).
 */
import type * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { EVENT_ACTIONS, EVENT_TYPES, watchRequest } from '../../../proto/events.js';
import type { ClusterEvent } from '../../../proto/gen/flotilla/ClusterEvent.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { WatchEventsRequest } from '../../../proto/gen/flotilla/WatchEventsRequest.js';
import { addressOf, fromServiceError } from '../../../proto/rpc.js';
import { collect, parseDuration } from '../../format.js';
import { parseTemplate } from '../../go-template.js';
import type { Connect, WantsJson } from '../types.js';

export interface EventsFlags {
  filter: string[];
  since?: string;
  until?: string;
}

/** Each `--filter` key and the request's list it fills. */
const FILTER_KEYS = {
  type: 'types',
  name: 'names',
  id: 'ids',
  service: 'services',
  node: 'nodes',
  event: 'events',
} as const;
type FilterKey = keyof typeof FILTER_KEYS;

/**
 * A point in time as `docker events` takes one: a duration ago (10m, 1h30m), Unix seconds
 * (1700000000, 1700000000.5), or a date and time (2026-12-07T14:00:00Z; without a zone, local).
 */
export function parseTime(flag: string, value: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(value)) return now - parseDuration(flag, value);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw invalidArgument(
      flag,
      'a duration ago such as 10m, a time such as 2026-12-07T14:00:00Z, or Unix seconds',
      value,
    );
  }
  return ms;
}

/** The request the flags ask for; refuses unknown filter keys and values that never match. */
export function requestFromFlags(o: EventsFlags, now: number): WatchEventsRequest {
  const req = watchRequest({
    sinceMs: o.since === undefined ? 0 : parseTime('--since', o.since, now),
    untilMs: o.until === undefined ? 0 : parseTime('--until', o.until, now),
  });
  for (const f of o.filter) {
    const eq = f.indexOf('=');
    const key = f.slice(0, eq) as FilterKey;
    const value = f.slice(eq + 1);
    if (eq < 0 || !(key in FILTER_KEYS) || value === '') {
      throw invalidArgument(
        '--filter',
        `KEY=VALUE with KEY one of ${Object.keys(FILTER_KEYS).join(', ')}`,
        f,
      );
    }
    if (key === 'type' && !EVENT_TYPES.includes(value)) {
      throw invalidArgument('--filter', `type=${EVENT_TYPES.join('|')}`, f);
    }
    if (key === 'event' && !EVENT_ACTIONS.includes(value)) {
      throw invalidArgument(
        '--filter',
        'event=create|update|remove, or a task state such as event=running',
        f,
      );
    }
    req[FILTER_KEYS[key]].push(value);
  }
  if (req.sinceMs && req.untilMs && req.untilMs < req.sinceMs) {
    throw invalidArgument('--until', 'a time after --since', o.until);
  }
  return req;
}

/** `2026-12-07T14:00:00.000Z service update abc123 (name=web, image=web:2, image.old=web:1)` */
export function eventLine(e: ClusterEvent): string {
  const attributes = Object.entries(e.attributes).sort(([a], [b]) => a.localeCompare(b));
  const shown = [...(e.name ? [['name', e.name]] : []), ...attributes].map(([k, v]) => `${k}=${v}`);
  return `${new Date(e.timeMs).toISOString()} ${e.type} ${e.action} ${e.id} (${shown.join(', ')})`;
}

/** One event as `--format json` prints it, on a line of its own. */
export function eventJson(e: ClusterEvent): string {
  const { type, action, id, name, index, attributes } = e;
  return JSON.stringify({
    time: new Date(e.timeMs).toISOString(),
    type,
    action,
    id,
    name,
    index,
    attributes,
  });
}

/** The fields of an event a `--format` template reads: docker's (Actor.ID, Actor.Attributes) and ours. */
export const EVENT_FIELDS = [
  'Time',
  'TimeNano',
  'Type',
  'Action',
  'ID',
  'Name',
  'Index',
  'Attributes',
  'Actor',
];

/**
 * Attributes differ from one event to the next (image only on services, state only on
 * tasks): one an event lacks reads as empty, as a Go map's missing key does, rather than
 * stopping the stream with an error.
 */
function lenient(attributes: Record<string, string>): Record<string, string> {
  return new Proxy(attributes, {
    has: () => true,
    get: (target, key) => (typeof key === 'string' ? (target[key] ?? '') : undefined),
  });
}

/** One event as a template sees it: `{{.Type}} {{.Action}} {{.Actor.Attributes.name}}`. */
export function eventRow(e: ClusterEvent): Record<string, unknown> {
  const attributes = lenient({ ...e.attributes });
  return {
    Time: new Date(e.timeMs).toISOString(),
    TimeNano: String(BigInt(e.timeMs) * 1_000_000n),
    Type: e.type,
    Action: e.action,
    ID: e.id,
    Name: e.name,
    Index: e.index,
    Attributes: attributes,
    // As docker's: the object's id, and its attributes with its name among them.
    Actor: { ID: e.id, Attributes: lenient({ ...e.attributes, ...(e.name ? { name: e.name } : {}) }) },
  };
}

/** How `--format` prints an event: table (a line), json (an object per line), or a Go-style template. */
export function eventPrinter(format: string, wantsJson: WantsJson): (e: ClusterEvent) => string {
  if (format === 'table' || format === 'json') return wantsJson({ format }) ? eventJson : eventLine;
  const template = parseTemplate(format, EVENT_FIELDS);
  return (e) => template.render(eventRow(e));
}

/**
 * Hands each event of the stream to `onEvent`; resolves when the stream ends (at `until`),
 * rejects when it fails: an error after the stream began says that the stream ended there.
 */
export function followEvents(
  client: ControlClient,
  req: WatchEventsRequest,
  onEvent: (e: ClusterEvent) => void,
  onWarning: (warning: string) => void,
): Promise<void> {
  const addr = addressOf(client);
  return new Promise((resolve, reject) => {
    const stream = client.WatchEvents(req);
    // The manager sends its headers once the stream has begun (a refusal comes without them).
    let began = false;
    stream.on('metadata', (md: grpc.Metadata) => {
      began = true;
      for (const warning of md.get('flotilla-warning')) if (typeof warning === 'string') onWarning(warning);
    });
    stream.on('data', onEvent);
    stream.on('error', (err: grpc.ServiceError) => {
      const cause = fromServiceError(err, addr);
      reject(
        began
          ? new FlotillaError(cause.code, `the event stream from ${addr} ended: ${cause.message}`, { cause })
          : cause,
      );
    });
    stream.on('end', resolve);
  });
}

export function eventsCommand(program: Command, connect: Connect, wantsJson: WantsJson): Command {
  return program
    .command('events')
    .description(
      "the cluster's changes as they happen (services, tasks, nodes, networks, secrets, configs), until Ctrl-C or --until",
    )
    .option(
      '-f, --filter <key=value>',
      'type=service|task|node|network|secret|config, name=, id=, service= (it and its tasks), node= (it and its tasks), ' +
        'event=create|update|remove|<task state>; repeatable: values of one key match any, keys must all match',
      collect,
      [],
    )
    .option(
      '--since <time>',
      'begin with the events since then, from those the manager keeps (its latest 10,000 since it started): a duration ago (10m), a time (2026-12-07T14:00:00Z) or Unix seconds',
    )
    .option('--until <time>', 'stop at that time (as --since; a past one ends at once)')
    .option(
      '--format <format>',
      `table (one line per event), json (one object per line), or a Go-style template such as '{{.Type}} {{.Action}} {{.Name}}' (fields: ${EVENT_FIELDS.map((f) => `.${f}`).join(', ')})`,
      'table',
    )
    .action(async (o: EventsFlags & { format: string }) => {
      const print = eventPrinter(o.format, wantsJson);
      const req = requestFromFlags(o, Date.now());
      await followEvents(
        connect(),
        req,
        (e) => console.log(print(e)),
        (warning) => console.error(`warning: ${warning}`),
      );
    });
}
