import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import {
  ClusterEvents,
  EventRing,
  eventMatcher,
  toClusterEvent,
  type EventStream,
} from '../../../manager/api/events.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { StoreEvent } from '../../../manager/store/types.js';
import type { ClusterEvent } from '../../../proto/gen/flotilla/ClusterEvent.js';
import type { WatchEventsRequest } from '../../../proto/gen/flotilla/WatchEventsRequest.js';
import { watchRequest } from '../../../proto/events.js';
import type { Secret } from '../../../proto/types.js';
import { FlotillaError } from '../../../lib/errors.js';
import { eventually, makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

/** A server stream as grpc-js hands it to the handler: what was written, sent and how it ended. */
class FakeStream extends EventEmitter {
  readonly events: ClusterEvent[] = [];
  readonly metadata = new grpc.Metadata();
  /** Whether the headers went out: the client knows the stream began. */
  began = false;
  warning: string | undefined;
  ended = false;
  error: { code?: number; details?: string; metadata?: grpc.Metadata } | undefined;
  writableLength = 0;

  constructor(readonly request: WatchEventsRequest) {
    super();
    this.on('error', (status) => (this.error = status));
  }

  write(e: ClusterEvent): boolean {
    this.events.push(e);
    return true;
  }

  end(): void {
    this.ended = true;
  }

  sendMetadata(md: grpc.Metadata): void {
    this.began = true;
    this.warning = md.get('flotilla-warning')[0] as string | undefined;
  }

  code(): string | undefined {
    return this.error?.metadata?.get('flotilla-code')[0] as string | undefined;
  }
}

const event = (e: Partial<ClusterEvent>): ClusterEvent => ({
  type: 'service',
  action: 'create',
  id: 'id',
  name: '',
  index: 1,
  timeMs: 0,
  attributes: {},
  ...e,
});

const nextTurn = () => new Promise((r) => setImmediate(r));

const meta = (updatedAt: number) => ({ version: 7, createdAt: 1, updatedAt });

test('a service: created, updated (what changed, and from what), removed', (t) => {
  const before = { ...makeService(makeSpec({ name: 'web' }, 2), 's1'), meta: meta(1000) };
  const created = toClusterEvent({ kind: 'create', table: 'services', object: before, index: 7 }, 5);
  t.deepEqual(created, {
    type: 'service',
    action: 'create',
    id: 's1',
    name: 'web',
    index: 7,
    timeMs: 1000,
    attributes: { image: before.spec!.task!.container!.image, replicas: '2' },
  });
  const spec = makeSpec({ name: 'web' }, 3);
  spec.task!.container!.image = 'web:2';
  const after = { ...before, spec, meta: meta(2000) };
  const updated = toClusterEvent(
    { kind: 'update', table: 'services', object: after, old: before, index: 8 },
    5,
  );
  t.is(updated?.action, 'update');
  t.is(updated?.timeMs, 2000);
  t.deepEqual(updated?.attributes, {
    image: 'web:2',
    'image.old': before.spec!.task!.container!.image,
    replicas: '3',
    'replicas.old': '2',
  });
  const removed = toClusterEvent({ kind: 'delete', table: 'services', object: after, index: 9 }, 5);
  t.is(removed?.action, 'remove');
  // The store keeps no time of a removal: the time it arrived is the event's.
  t.is(removed?.timeMs, 5);
});

test("a task's update is an event when its state or desired state changes, named by its new state", (t) => {
  const service = makeService(makeSpec({ name: 'web' }), 's1');
  const pending = makeTask(service, { id: 't1', slot: 2, meta: meta(10) });
  const hostname = (id: string) => (id === 'n1' ? 'box1' : undefined);
  const created = toClusterEvent({ kind: 'create', table: 'tasks', object: pending, index: 3 }, 0, hostname);
  t.is(created?.name, 'web.2');
  t.deepEqual(created?.attributes, {
    service: 'web',
    'service.id': 's1',
    state: 'pending',
    desired: 'running',
  });
  const running = { ...pending, nodeId: 'n1', status: makeStatus('RUNNING') };
  const e = toClusterEvent(
    { kind: 'update', table: 'tasks', object: running, old: pending, index: 4 },
    0,
    hostname,
  );
  t.is(e?.action, 'running');
  t.like(e?.attributes, { node: 'n1', 'node.name': 'box1', state: 'running', 'state.old': 'pending' });
  const told = { ...running, desiredState: 'SHUTDOWN' as const };
  const stopping = toClusterEvent(
    { kind: 'update', table: 'tasks', object: told, old: running, index: 5 },
    0,
  );
  t.is(stopping?.action, 'update');
  t.like(stopping?.attributes, { desired: 'shutdown', 'desired.old': 'running' });
  const same = { ...told, runningSince: 99 };
  t.is(toClusterEvent({ kind: 'update', table: 'tasks', object: same, old: told, index: 6 }, 0), undefined);
});

test('nodes by hostname with their state; secrets and configs by name only, never their value', (t) => {
  const node = { ...makeNode({ id: 'n1' }), meta: meta(1) };
  const down = { ...node, status: { state: 'DOWN' as const, message: '', addr: '' } };
  const e = toClusterEvent({ kind: 'update', table: 'nodes', object: down, old: node, index: 2 }, 0);
  t.is(e?.name, node.description?.hostname);
  t.like(e?.attributes, { state: 'down', 'state.old': node.status?.state.toLowerCase() });
  const secret: Secret = {
    id: 'x1',
    meta: meta(1),
    spec: { name: 'db-password', labels: {}, data: Buffer.from('hunter2') },
    sealed: Buffer.from('sealed-bytes'),
    size: 7,
  };
  for (const table of ['secrets', 'configs'] as const) {
    const ev = toClusterEvent({ kind: 'create', table, object: secret, index: 3 } as StoreEvent, 0);
    t.is(ev?.name, 'db-password');
    t.deepEqual(ev?.attributes, {});
    t.false(/hunter2|sealed-bytes|aHVudGVyMg/.test(JSON.stringify(ev)));
  }
  const cluster = { kind: 'update', table: 'clusters', object: {}, index: 4 } as StoreEvent;
  t.is(toClusterEvent(cluster, 0), undefined);
});

test('filters: values of one key match any, keys all; service= and node= take in their tasks', (t) => {
  const web = event({ type: 'service', id: 'sweb', name: 'web' });
  const webTask = event({
    type: 'task',
    action: 'running',
    id: 't1',
    name: 'web.1',
    attributes: { service: 'web', 'service.id': 'sweb', node: 'n1', 'node.name': 'box1' },
  });
  const db = event({ type: 'service', action: 'remove', id: 'sdb', name: 'db' });
  const node = event({ type: 'node', action: 'update', id: 'n1', name: 'box1' });
  const all = [web, webTask, db, node];
  const pick = (r: Partial<WatchEventsRequest>) => all.filter(eventMatcher(watchRequest(r))).map((e) => e.id);
  t.deepEqual(pick({}), ['sweb', 't1', 'sdb', 'n1']);
  t.deepEqual(pick({ types: ['service', 'node'] }), ['sweb', 'sdb', 'n1']);
  t.deepEqual(pick({ types: ['service'], events: ['remove'] }), ['sdb']);
  t.deepEqual(pick({ services: ['web'] }), ['sweb', 't1']);
  t.deepEqual(pick({ services: ['swe'], types: ['task'] }), ['t1']);
  t.deepEqual(pick({ nodes: ['box1'] }), ['t1', 'n1']);
  t.deepEqual(pick({ ids: ['sw', 'sd'] }), ['sweb', 'sdb']);
  t.deepEqual(pick({ names: ['web.1', 'db'] }), ['t1', 'sdb']);
  // A task's change of state is an update, and can be asked for by its state too.
  t.deepEqual(pick({ events: ['update'] }), ['t1', 'n1']);
  t.deepEqual(pick({ events: ['running'] }), ['t1']);
});

test('filters that can never match are refused, naming the field', (t) => {
  const type = t.throws(() => eventMatcher(watchRequest({ types: ['container'] })));
  t.regex(type?.message ?? '', /^invalid types: expected service, task, node, network, secret, config/);
  const action = t.throws(() => eventMatcher(watchRequest({ events: ['die'] })));
  t.regex(action?.message ?? '', /^invalid events: expected create, update, remove or a task state/);
});

test('the ring keeps the latest events and says from when it holds them all', (t) => {
  const ring = new EventRing(100, 3);
  for (let i = 1; i <= 3; i++) ring.add(event({ index: i, timeMs: 100 + i }));
  t.is(ring.keptFrom, 100);
  for (let i = 4; i <= 10; i++) ring.add(event({ index: i, timeMs: 100 + i }));
  t.deepEqual(
    ring.all().map((e) => e.index),
    [8, 9, 10],
  );
  t.is(ring.keptFrom, 108);
});

async function setup(t: { teardown(fn: () => unknown): void }) {
  const store = new MemoryStore();
  const stop = new AbortController();
  const events = new ClusterEvents(store, stop.signal);
  t.teardown(() => stop.abort());
  /** A stream, once past its read barrier (a turn of the event loop, on this store). */
  const watch = async (r: Partial<WatchEventsRequest> = {}) => {
    const stream = new FakeStream(watchRequest(r));
    const served = events.serve(stream as unknown as EventStream);
    await nextTurn();
    return { stream, served };
  };
  return { store, stop, events, watch };
}

test('a stream sends the changes as they happen, in the order of the store', async (t) => {
  const { store, watch } = await setup(t);
  const { stream } = await watch();
  const service = makeService(makeSpec({ name: 'web' }));
  const task = makeTask(service);
  await store.update((tx) => tx.create('services', service));
  await store.update((tx) => tx.create('tasks', task));
  await store.update((tx) =>
    tx.update('tasks', { ...tx.get('tasks', task.id)!, status: makeStatus('RUNNING') }),
  );
  await store.update((tx) => tx.delete('services', service.id));
  await eventually(() => stream.events.length === 4);
  t.deepEqual(
    stream.events.map((e) => `${e.type} ${e.action}`),
    ['service create', 'task create', 'task running', 'service remove'],
  );
  const indexes = stream.events.map((e) => e.index);
  t.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
  );
  t.true(stream.began);
  t.false(stream.ended);
  t.is(stream.warning, undefined);
});

test('since: the events kept from before the stream, then the new ones; until: it ends', async (t) => {
  const { store, watch } = await setup(t);
  const early = makeService(makeSpec({ name: 'early' }));
  await store.update((tx) => tx.create('services', early));
  await nextTurn();
  const mark = Date.now() + 1;
  await new Promise((r) => setTimeout(r, 5));
  const late = makeService(makeSpec({ name: 'late' }));
  await store.update((tx) => tx.create('services', late));
  await nextTurn();

  const fromStart = await watch({ sinceMs: 1 });
  t.deepEqual(
    fromStart.stream.events.map((e) => e.name),
    ['early', 'late'],
  );
  // Asked for more than this manager kept (it started after 1): the stream says so first.
  t.regex(
    fromStart.stream.warning ?? '',
    /keeps its latest 10000 events, from .*: earlier ones are not shown/,
  );

  const afterMark = await watch({ sinceMs: mark });
  t.deepEqual(
    afterMark.stream.events.map((e) => e.name),
    ['late'],
  );
  t.is(afterMark.stream.warning, undefined);

  const closed = await watch({ sinceMs: 1, untilMs: mark });
  await closed.served;
  t.deepEqual(
    closed.stream.events.map((e) => e.name),
    ['early'],
  );
  t.true(closed.stream.ended);

  // Until a moment ahead: new events until then, and then the end.
  const ahead = await watch({ untilMs: Date.now() + 300 });
  const third = makeService(makeSpec({ name: 'third' }));
  await store.update((tx) => tx.create('services', third));
  await ahead.served;
  t.true(ahead.stream.ended);
  t.deepEqual(
    ahead.stream.events.map((e) => e.name),
    ['early', 'late', 'third'],
  );

  const live = await watch({ types: ['service'], events: ['remove'] });
  await store.update((tx) => tx.delete('services', early.id));
  await eventually(() => live.stream.events.length === 1);
  t.is(live.stream.events[0]?.name, 'early');
});

test('the stream ends with UNAVAILABLE when the manager stops; a cancelled one just ends', async (t) => {
  const { stop, watch } = await setup(t);
  const cancelled = await watch();
  cancelled.stream.emit('cancelled');
  await cancelled.served;
  t.is(cancelled.stream.error, undefined);

  const open = await watch();
  stop.abort();
  await open.served;
  t.is(open.stream.code(), 'UNAVAILABLE');
  t.regex(open.stream.error?.details ?? '', /this manager stopped/);
  const late = await watch();
  await late.served;
  t.is(late.stream.code(), 'UNAVAILABLE');
});

test('bad filters and an until before since end the stream at once', async (t) => {
  const { watch } = await setup(t);
  const bad = await watch({ types: ['volume'] });
  await bad.served;
  t.is(bad.stream.code(), 'INVALID_ARGUMENT');
  t.false(bad.stream.began);
  const backwards = await watch({ sinceMs: 2000, untilMs: 1000 });
  await backwards.served;
  t.regex(backwards.stream.error?.details ?? '', /invalid until_ms: expected a time after since_ms/);
});

/** A store whose manager has lost its quorum: its read barrier fails as Raft's does. */
class NoQuorumStore extends MemoryStore {
  override readBarrier(): Promise<void> {
    return Promise.reject(new FlotillaError('NO_QUORUM', 'raft: no leader confirmed a read within 2000 ms'));
  }
}

test("without a quorum a stream is refused, saying how to follow the manager's own copy anyway", async (t) => {
  const stop = new AbortController();
  t.teardown(() => stop.abort());
  const events = new ClusterEvents(new NoQuorumStore(), stop.signal);
  const refused = new FakeStream(watchRequest());
  await events.serve(refused as unknown as EventStream);
  t.is(refused.code(), 'NO_QUORUM');
  t.regex(refused.error?.details ?? '', /no leader confirmed a read.*cluster --stale-ok events/);

  const staleOk = new FakeStream(watchRequest({ sinceMs: 1 }));
  staleOk.metadata.set('flotilla-stale-ok', '1');
  const served = events.serve(staleOk as unknown as EventStream);
  await nextTurn();
  t.true(staleOk.began);
  t.is(staleOk.error, undefined);
  // Both warnings, in one header.
  t.regex(staleOk.warning ?? '', /^no quorum confirms this manager's copy.*; this manager keeps its latest/);
  stop.abort();
  await served;
});

test('a reader that falls far behind has its stream ended', async (t) => {
  const { store, watch } = await setup(t);
  const { stream, served } = await watch();
  stream.writableLength = 20_001;
  await store.update((tx) => tx.create('services', makeService(makeSpec({ name: 'web' }))));
  await served;
  t.is(stream.code(), 'RESOURCE_EXHAUSTED');
  t.regex(stream.error?.details ?? '', /fell over 20000 events behind/);
});
