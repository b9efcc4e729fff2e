/**
 * WatchEvents (`cluster events`): the store's changes to services, tasks, nodes, networks,
 * secrets and configs as events people read, with filters. Each manager turns its own watch
 * into events from the moment it starts and keeps the latest ones (`RING_LIMIT`) in memory,
 * so that a stream may begin in the past (`since_ms`); what it kept is lost when it stops,
 * and another manager kept its own. A stream is served from the copy of the manager called,
 * after a read barrier, so it goes on while that manager follows or has lost its quorum.
 * Events never carry the values of secrets or configs: only names and ids.
 */
import * as grpc from '@grpc/grpc-js';
import { FlotillaError, invalidArgument, isFlotillaError } from '../../lib/errors.js';
import type { ClusterEvent } from '../../proto/gen/flotilla/ClusterEvent.js';
import type { WatchEventsRequest } from '../../proto/gen/flotilla/WatchEventsRequest.js';
import { EVENT_ACTIONS, EVENT_KINDS, EVENT_TYPE_OF_TABLE, EVENT_TYPES } from '../../proto/events.js';
import { acceptsStaleReads, failStream } from '../../proto/rpc.js';
import { taskName } from '../../proto/types.js';
import type { Objects, Store, StoreEvent, Table } from '../store/types.js';

export type EventStream = grpc.ServerWritableStream<WatchEventsRequest, ClusterEvent>;

/** How many of its latest events a manager keeps for streams that begin in the past. */
export const RING_LIMIT = 10_000;
/** Events a stream may have waiting for a client that reads slowly before it is ended. */
const BACKLOG_LIMIT = 2 * RING_LIMIT;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The header of warnings for people (as other calls' answers carry them), sent as a stream begins. */
const WARNING_KEY = 'flotilla-warning';

type EventTable = keyof typeof EVENT_TYPE_OF_TABLE;
type Facts = Record<string, string | undefined>;
const lower = (s: string | undefined) => s?.toLowerCase();

/**
 * What an event says of each kind of object besides its id and name. An update also says
 * what each of these was before (`X.old`) when it changed.
 */
const FACTS: { [T in EventTable]: (o: Objects[T], hostname: (id: string) => string | undefined) => Facts } = {
  services: (s) => ({
    image: s.spec?.task?.container?.image,
    replicas: s.spec?.mode === 'replicated' ? String(s.spec.replicated?.replicas ?? 0) : undefined,
    updatestate: lower(s.updateStatus?.state),
  }),
  tasks: (t, hostname) => ({
    service: t.serviceName,
    'service.id': t.serviceId,
    node: t.nodeId,
    'node.name': t.nodeId ? hostname(t.nodeId) : undefined,
    state: lower(t.status?.state),
    desired: lower(t.desiredState),
  }),
  nodes: (n) => ({
    role: lower(n.role),
    availability: lower(n.spec?.availability),
    state: lower(n.status?.state),
  }),
  networks: (n) => ({ driver: n.spec?.driver, subnet: n.spec?.subnet }),
  secrets: () => ({}),
  configs: () => ({}),
};

function nameOf(e: StoreEvent): string {
  switch (e.table) {
    case 'tasks':
      return taskName(e.object);
    case 'nodes':
      return e.object.description?.hostname ?? '';
    default:
      return (e.object.spec as { name?: string } | null)?.name ?? '';
  }
}

/**
 * The event a store event makes, or none: clusters make none, and a task's update only when
 * its state or desired state changed. `now` is the time of a removal, which the store does
 * not record; `hostname` names a task's node.
 */
export function toClusterEvent(
  e: StoreEvent,
  now: number,
  hostname: (nodeId: string) => string | undefined = () => undefined,
): ClusterEvent | undefined {
  if (e.table === 'clusters') return undefined;
  const facts = FACTS[e.table] as (o: StoreEvent['object'], h: typeof hostname) => Facts;
  const current = facts(e.object, hostname);
  const before = e.kind === 'update' && e.old ? facts(e.old, hostname) : {};
  let action: string = e.kind === 'delete' ? 'remove' : e.kind;
  if (e.table === 'tasks' && e.kind === 'update') {
    if (current.state !== before.state) action = current.state ?? 'update';
    else if (current.desired === before.desired) return undefined;
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(current)) {
    if (value) attributes[key] = value;
    const old = before[key];
    if (old && old !== value) attributes[`${key}.old`] = old;
  }
  return {
    type: EVENT_TYPE_OF_TABLE[e.table],
    action,
    id: e.object.id,
    name: nameOf(e),
    index: e.index,
    timeMs: e.kind === 'delete' ? now : (e.object.meta?.updatedAt ?? now),
    attributes,
  };
}

/** create, update or remove: the kind of change an event's action is. */
const kindOf = (e: ClusterEvent) => (EVENT_KINDS.includes(e.action) ? e.action : 'update');

const anyOf = (values: string[], match: (v: string) => boolean) => values.length === 0 || values.some(match);

/**
 * The request's filters as one test: values of one filter match any, and every filter given
 * must match. Refuses values that can never match (a type or action that does not exist).
 */
export function eventMatcher(req: WatchEventsRequest): (e: ClusterEvent) => boolean {
  for (const type of req.types) {
    if (!EVENT_TYPES.includes(type)) throw invalidArgument('types', EVENT_TYPES.join(', '), type);
  }
  for (const event of req.events) {
    if (!EVENT_ACTIONS.includes(event)) {
      throw invalidArgument('events', 'create, update, remove or a task state such as running', event);
    }
  }
  const ofService = (e: ClusterEvent, s: string) =>
    e.type === 'service'
      ? e.id.startsWith(s) || e.name === s
      : e.type === 'task' && (e.attributes['service.id']?.startsWith(s) || e.attributes.service === s);
  const ofNode = (e: ClusterEvent, n: string) =>
    e.type === 'node'
      ? e.id.startsWith(n) || e.name === n
      : e.type === 'task' && (e.attributes.node?.startsWith(n) || e.attributes['node.name'] === n);
  return (e) =>
    anyOf(req.types, (t) => e.type === t) &&
    anyOf(req.names, (n) => e.name === n) &&
    anyOf(req.ids, (id) => e.id.startsWith(id)) &&
    anyOf(req.services, (s) => !!ofService(e, s)) &&
    anyOf(req.nodes, (n) => !!ofNode(e, n)) &&
    anyOf(req.events, (a) => e.action === a || kindOf(e) === a);
}

/** The latest events, at most `limit`, oldest first. */
export class EventRing {
  private events: ClusterEvent[] = [];
  private head = 0;
  /** Every event from this time on is here (earlier ones were never seen, or dropped). */
  keptFrom: number;

  constructor(
    startedAt: number,
    private readonly limit = RING_LIMIT,
  ) {
    this.keptFrom = startedAt;
  }

  add(e: ClusterEvent): void {
    this.events.push(e);
    if (this.events.length - this.head <= this.limit) return;
    this.keptFrom = Math.max(this.keptFrom, this.events[this.head]!.timeMs + 1);
    this.head++;
    // Dropped ones are let go of in bulk, so that adding stays cheap.
    if (this.head >= this.limit) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  all(): ClusterEvent[] {
    return this.events.slice(this.head);
  }
}

const stopped = () =>
  new FlotillaError('UNAVAILABLE', 'this manager stopped, and its event stream with it; call another');

/** A manager's events: fed from its store's watch until `signal` aborts, served to streams. */
export class ClusterEvents {
  readonly ring: EventRing;
  private readonly listeners = new Set<(e: ClusterEvent | undefined) => void>();
  private closed = false;

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new EventRing(now());
    // Registered now, synchronously: events begin with the manager.
    const watch = store.watch({ tables: Object.keys(EVENT_TYPE_OF_TABLE) as Table[] }, signal);
    void this.feed(watch);
  }

  private async feed(watch: AsyncIterable<StoreEvent>): Promise<void> {
    const hostname = (id: string) => this.store.view((tx) => tx.get('nodes', id)?.description?.hostname);
    for await (const storeEvent of watch) {
      const e = toClusterEvent(storeEvent, this.now(), hostname);
      if (!e) continue;
      this.ring.add(e);
      for (const listener of this.listeners) listener(e);
    }
    // The manager stops (or its store closed): streams end with it.
    this.closed = true;
    for (const listener of this.listeners) listener(undefined);
    this.listeners.clear();
  }

  /** Serves one stream until the client cancels, its `until_ms` passes or the manager stops. */
  async serve(stream: EventStream): Promise<void> {
    const req = stream.request;
    const cancelled = new Promise<void>((resolve) => stream.on('cancelled', resolve));
    let match: (e: ClusterEvent) => boolean;
    let stale: string | undefined;
    try {
      match = eventMatcher(req);
      if (req.untilMs && req.sinceMs && req.untilMs < req.sinceMs) {
        throw invalidArgument('until_ms', 'a time after since_ms', req.untilMs);
      }
      stale = await this.readBarrier(stream.metadata);
      if (this.closed) throw stopped();
    } catch (err) {
      failStream(stream, err);
      return;
    }
    const { sinceMs, untilMs } = req;
    const inTime = (e: ClusterEvent) =>
      (!sinceMs || e.timeMs >= sinceMs) && (!untilMs || e.timeMs <= untilMs);
    // The headers go out now, events or not: the client knows the stream began.
    const warnings = stale ? [stale] : [];
    if ((sinceMs || untilMs) && sinceMs < this.ring.keptFrom) warnings.push(this.keptNote());
    const md = new grpc.Metadata();
    if (warnings.length > 0) md.set(WARNING_KEY, warnings.join('; '));
    stream.sendMetadata(md);
    const past = sinceMs || untilMs ? this.ring.all() : [];
    for (const e of past) if (match(e) && inTime(e)) stream.write(e);

    const now = this.now();
    if (untilMs && untilMs <= now) {
      stream.end();
      return;
    }
    let end!: (err?: unknown) => void;
    const ended = new Promise<unknown>((resolve) => (end = resolve));
    const listener = (e: ClusterEvent | undefined) => {
      if (!e) return end(stopped());
      if (!match(e) || !inTime(e)) return;
      if (stream.writableLength > BACKLOG_LIMIT) {
        end(
          new FlotillaError(
            'RESOURCE_EXHAUSTED',
            `the stream's reader fell over ${BACKLOG_LIMIT} events behind`,
          ),
        );
      } else stream.write(e);
    };
    this.listeners.add(listener);
    let timer: NodeJS.Timeout | undefined;
    // A timer waits at most about 24 days at a time: a later end is waited for in steps.
    const waitUntil = () => {
      const left = untilMs - this.now();
      timer = left > MAX_TIMER_MS ? setTimeout(waitUntil, MAX_TIMER_MS) : setTimeout(end, left);
    };
    if (untilMs) waitUntil();
    const outcome = await Promise.race([ended, cancelled.then(() => 'cancelled')]);
    clearTimeout(timer);
    this.listeners.delete(listener);
    if (outcome === 'cancelled') return;
    if (outcome) failStream(stream, outcome);
    else stream.end();
  }

  /**
   * A linearizable start. Without a quorum, a caller that accepts stale reads starts anyway,
   * with the warning this returns; others are told how to.
   */
  private async readBarrier(metadata: grpc.Metadata): Promise<string | undefined> {
    try {
      await this.store.readBarrier();
      return undefined;
    } catch (err) {
      if (!isFlotillaError(err, 'NO_QUORUM')) throw err;
      if (!acceptsStaleReads(metadata)) {
        throw new FlotillaError(
          'NO_QUORUM',
          `${err.message}. To follow this manager's own copy anyway, run \`cluster --stale-ok events ...\``,
        );
      }
      return (
        "no quorum confirms this manager's copy of the state: events follow its own copy, " +
        'and miss what the other managers change until it is back in touch'
      );
    }
  }

  private keptNote(): string {
    return (
      `this manager keeps its latest ${RING_LIMIT} events, from ${new Date(this.ring.keptFrom).toISOString()} ` +
      '(when it started, or its oldest kept): earlier ones are not shown'
    );
  }
}
