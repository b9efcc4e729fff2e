import test, { type ExecutionContext } from 'ava';
import type * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../../lib/log.js';
import { EventEmitter } from 'node:events';
import { FlotillaError, isFlotillaError } from '../../../lib/errors.js';
import type { HeartbeatRequest } from '../../../proto/gen/flotilla/HeartbeatRequest.js';
import type { HeartbeatResponse } from '../../../proto/gen/flotilla/HeartbeatResponse.js';
import { fromServiceError } from '../../../proto/rpc.js';
import { Dispatcher, STATUS_BATCH } from '../../../manager/dispatcher/dispatcher.js';
import {
  OVERLAY_KEPT_MS,
  OVERLAY_REFRESH_MS,
  overlayPeersOf,
} from '../../../manager/dispatcher/overlay-sets.js';
import { overlayDigest, overlayPeersById, withOverlayChanges } from '../../../proto/overlay-set.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { SessionMessageInput } from '../../../proto/gen/flotilla/SessionMessage.js';
import type { SessionRequest } from '../../../proto/gen/flotilla/SessionRequest.js';
import type { Node, Task, TaskState, TaskStatus } from '../../../proto/types.js';
import { eventually, FakeStream, makeNode, makeService, makeStatus, makeTask, runLoop } from '../helpers.js';

const log = silentLogger();
type Stream = FakeStream<SessionRequest, SessionMessageInput>;
type Assigned = { kind: string; tasks: Task[]; removed: string[] };

function open(dispatcher: Dispatcher, node: Node): Stream {
  const stream = new FakeStream<SessionRequest, SessionMessageInput>({
    nodeId: node.id,
    description: { ...node.description!, hostname: 'worker-1', runtimes: ['process'] },
    addr: '127.0.0.1:4242',
  });
  dispatcher.session(stream as unknown as grpc.ServerWritableStream<SessionRequest, SessionMessageInput>);
  return stream;
}

const assignments = (s: Stream): Assigned[] => s.writes.map((w) => w.assignments as Assigned);
const sessionId = (s: Stream): string => String(s.writes[0]?.sessionId ?? '');
type Beats = grpc.ServerDuplexStream<HeartbeatRequest, HeartbeatResponse>;

/** A stream of beats to the dispatcher: what it answered, and the error that ended it. */
function beatsOf(dispatcher: Dispatcher, refuse: (req: HeartbeatRequest) => FlotillaError | undefined) {
  const answers: HeartbeatResponse[] = [];
  const errors: FlotillaError[] = [];
  const stream = Object.assign(new EventEmitter(), {
    write: (res: HeartbeatResponse) => answers.push(res),
    end: () => undefined,
  });
  stream.on('error', (err: grpc.ServiceError) => errors.push(fromServiceError(err, 'manager')));
  dispatcher.beats(stream as unknown as Beats, refuse);
  const send = (req: HeartbeatRequest) => stream.emit('data', req);
  return { answers, errors, send };
}

/** One beat on a stream of its own: its answer, or the error that ended the stream. */
async function beat(dispatcher: Dispatcher, node: Node, s: Stream, overlayDigest = '', noOverlay = false) {
  const { answers, errors, send } = beatsOf(dispatcher, () => undefined);
  send({ nodeId: node.id, sessionId: sessionId(s), overlayDigest, noOverlay });
  if (errors[0]) throw errors[0];
  return answers[0]!;
}

const status = (state: TaskState, message = ''): TaskStatus => makeStatus(state, { message });

async function setup(opts: { heartbeatMs?: number; now?: () => number } = {}) {
  const store = await MemoryStore.open();
  const node = makeNode({ status: { state: 'UNKNOWN', message: '', addr: '' } });
  const service = makeService();
  const onNode = makeTask(service, { slot: 1, nodeId: node.id, status: status('ASSIGNED') });
  const running = makeTask(service, { slot: 2, nodeId: node.id, status: status('RUNNING') });
  const pending = makeTask(service, { slot: 3 });
  const elsewhere = makeTask(service, { slot: 4, nodeId: 'other-node', status: status('ASSIGNED') });
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
    for (const t of [onNode, running, pending, elsewhere]) tx.create('tasks', t);
  });
  const dispatcher = new Dispatcher(store, log, () => opts.heartbeatMs ?? 60_000, opts.now);
  return { store, node, service, dispatcher, tasks: { onNode, running, pending, elsewhere } };
}

/**
 * `count` more nodes beside setup's, the dispatcher running, and a session of every node open
 * with its first message in.
 */
async function sessionsOf(
  t: ExecutionContext,
  { store, node, dispatcher }: { store: Store; node: Node; dispatcher: Dispatcher },
  count: number,
) {
  const others = Array.from({ length: count }, () => makeNode());
  await store.update((tx) => {
    for (const n of others) tx.create('nodes', n);
  });
  runLoop(t, dispatcher);
  const nodes = [node, ...others];
  const streams = nodes.map((n) => open(dispatcher, n));
  await eventually(() => streams.every((s) => s.writes.length === 1));
  return { others, nodes, streams };
}

async function update(store: Store, id: string, change: (t: Task) => Task) {
  await store.update((tx) => tx.update('tasks', change(tx.get('tasks', id)!)));
}

test('a session starts with the COMPLETE set of tasks assigned to the node, and marks it READY', async (t) => {
  const { store, node, dispatcher, tasks } = await setup();
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length > 0);
  const [first] = assignments(stream);
  t.is(first?.kind, 'COMPLETE');
  t.deepEqual(first?.tasks.map((x) => x.id).sort(), [tasks.onNode.id, tasks.running.id].sort());
  t.deepEqual(first?.removed, []);
  t.truthy(sessionId(stream));
  t.is(stream.writes[0]?.heartbeatPeriodMs, 60_000);
  const stored = store.view((tx) => tx.get('nodes', node.id));
  t.is(stored?.status?.state, 'READY');
  t.is(stored?.status?.addr, '127.0.0.1:4242');
  t.is(stored?.description?.hostname, 'worker-1');
});

test('a node that opens a session as it was (READY, same address and description) costs no write; one that changed is written', async (t) => {
  const { store, node, dispatcher } = await setup();
  runLoop(t, dispatcher);
  const first = open(dispatcher, node);
  await eventually(() => first.writes.length > 0);
  const written = store.view((tx) => tx.index);
  // As after a failover: the same node opens a session with the new leader.
  const again = open(dispatcher, node);
  await eventually(() => again.writes.length > 0);
  t.is(
    store.view((tx) => tx.index),
    written,
  );
  const moved = new FakeStream<SessionRequest, SessionMessageInput>({
    nodeId: node.id,
    description: { ...node.description!, hostname: 'worker-1', runtimes: ['process'] },
    addr: '127.0.0.1:4343',
  });
  dispatcher.session(moved as unknown as grpc.ServerWritableStream<SessionRequest, SessionMessageInput>);
  await eventually(() => moved.writes.length > 0);
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.status?.addr),
    '127.0.0.1:4343',
  );
});

test('sessions opened at once all get their first message, each with the tasks of its own node', async (t) => {
  const { store, service, dispatcher } = await setup();
  const nodes = Array.from({ length: 200 }, () => makeNode());
  await store.update((tx) => {
    for (const [i, n] of nodes.entries()) {
      tx.create('nodes', n);
      tx.create('tasks', makeTask(service, { slot: 10 + i, nodeId: n.id, status: status('ASSIGNED') }));
    }
  });
  runLoop(t, dispatcher);
  const streams = nodes.map((n) => open(dispatcher, n));
  await eventually(() => streams.every((s) => s.writes.length > 0));
  for (const [i, s] of streams.entries()) {
    const [first] = assignments(s);
    t.is(first?.kind, 'COMPLETE');
    t.deepEqual(
      first?.tasks.map((x) => x.nodeId),
      [nodes[i]!.id],
    );
  }
});

test('a session for an unknown node fails with NOT_FOUND', async (t) => {
  const { dispatcher } = await setup();
  runLoop(t, dispatcher);
  const stream = open(dispatcher, makeNode());
  t.is(stream.errors.length, 1);
  t.regex(String((stream.errors[0] as { details?: string }).details), /not part of this cluster/);
  t.is(stream.writes.length, 0);
});

test('later changes arrive INCREMENTAL: new, changed and removed tasks only', async (t) => {
  const { store, node, service, dispatcher, tasks } = await setup();
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);

  // The worker's own status report is not sent back to it.
  await update(store, tasks.onNode.id, (x) => ({ ...x, status: status('RUNNING') }));
  // A task placed on the node, one stopped, and one moved away.
  const added = makeTask(service, { slot: 5, nodeId: node.id, status: status('ASSIGNED') });
  await store.update((tx) => tx.create('tasks', added));
  await update(store, tasks.onNode.id, (x) => ({ ...x, desiredState: 'SHUTDOWN' }));
  await update(store, tasks.running.id, (x) => ({ ...x, nodeId: 'other-node' }));
  // Tasks of other nodes are not this node's concern.
  await update(store, tasks.elsewhere.id, (x) => ({ ...x, desiredState: 'SHUTDOWN' }));

  const seen = () => {
    const inc = assignments(stream).slice(1);
    return {
      kinds: new Set(inc.map((a) => a.kind)),
      tasks: inc.flatMap((a) => a.tasks.map((x) => `${x.id}:${x.desiredState}`)),
      removed: inc.flatMap((a) => a.removed),
    };
  };
  await eventually(() => {
    const s = seen();
    return (
      s.tasks.includes(`${tasks.onNode.id}:SHUTDOWN`) &&
      s.tasks.includes(`${added.id}:RUNNING`) &&
      s.removed.length > 0
    );
  });
  const s = seen();
  t.deepEqual([...s.kinds], ['INCREMENTAL']);
  t.deepEqual(s.removed, [tasks.running.id]);
  t.deepEqual(s.tasks.sort(), [`${added.id}:RUNNING`, `${tasks.onNode.id}:SHUTDOWN`].sort());

  // A deleted task is removed too.
  await store.update((tx) => tx.delete('tasks', added.id));
  await eventually(() => seen().removed.includes(added.id));
  t.pass();
});

test('a call of more reports than one write holds returns once all are written, in writes of at most STATUS_BATCH', async (t) => {
  const { store, node, service, dispatcher } = await setup();
  const many = Array.from({ length: 2 * STATUS_BATCH + 10 }, (_, i) =>
    makeTask(service, { slot: 10 + i, nodeId: node.id, status: status('ASSIGNED') }),
  );
  await store.update((tx) => {
    for (const task of many) tx.create('tasks', task);
  });
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const writes = new Map<number, number>();
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of store.watch({ tables: ['tasks'] }, ac.signal)) {
      if (e.table === 'tasks' && e.object.status?.state === 'RUNNING')
        writes.set(e.index, (writes.get(e.index) ?? 0) + 1);
    }
  })();
  await dispatcher.updateTaskStatus({
    nodeId: node.id,
    sessionId: sessionId(stream),
    updates: many.map((task) => ({ taskId: task.id, status: status('RUNNING') })),
  });
  t.true(store.view((tx) => many.every((task) => tx.get('tasks', task.id)?.status?.state === 'RUNNING')));
  await eventually(() => [...writes.values()].reduce((a, b) => a + b, 0) === many.length);
  t.deepEqual([...writes.values()], [STATUS_BATCH, STATUS_BATCH, 10]);
});

test('status updates are written, and never move a task backwards', async (t) => {
  const { store, node, dispatcher, tasks } = await setup();
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const report = (taskId: string, st: TaskStatus, sid = sessionId(stream)) =>
    dispatcher.updateTaskStatus({ nodeId: node.id, sessionId: sid, updates: [{ taskId, status: st }] });

  await report(tasks.onNode.id, status('STARTING', 'starting'));
  t.is(
    store.view((tx) => tx.get('tasks', tasks.onNode.id)?.status?.state),
    'STARTING',
  );
  await report(tasks.onNode.id, status('RUNNING', 'started'));
  t.is(
    store.view((tx) => tx.get('tasks', tasks.onNode.id)?.status?.state),
    'RUNNING',
  );

  const version = store.view((tx) => tx.get('tasks', tasks.onNode.id)?.meta?.version);
  await report(tasks.onNode.id, status('PREPARING', 'late report'));
  await report(tasks.onNode.id, status('ASSIGNED'));
  const after = store.view((tx) => tx.get('tasks', tasks.onNode.id));
  t.is(after?.status?.state, 'RUNNING');
  t.is(after?.status?.message, 'started');
  t.is(after?.meta?.version, version, 'nothing written for a backward report');

  // The same report again writes nothing either.
  await report(tasks.onNode.id, { ...status('RUNNING', 'started') });
  t.is(
    store.view((tx) => tx.get('tasks', tasks.onNode.id)?.meta?.version),
    version,
  );

  // A terminal state is accepted; a report for a task of another node is ignored.
  await report(tasks.onNode.id, { ...status('FAILED', 'exited'), err: 'exit code 1' });
  t.is(
    store.view((tx) => tx.get('tasks', tasks.onNode.id)?.status?.err),
    'exit code 1',
  );
  await report(tasks.elsewhere.id, status('RUNNING'));
  t.is(
    store.view((tx) => tx.get('tasks', tasks.elsewhere.id)?.status?.state),
    'ASSIGNED',
  );

  // Many reports at once are all written.
  await Promise.all([
    report(tasks.running.id, status('COMPLETE')),
    report(tasks.onNode.id, status('SHUTDOWN')),
  ]);
  t.is(
    store.view((tx) => tx.get('tasks', tasks.running.id)?.status?.state),
    'COMPLETE',
  );
  // FAILED ranks after SHUTDOWN: the stop report comes too late to change it.
  t.is(
    store.view((tx) => tx.get('tasks', tasks.onNode.id)?.status?.state),
    'FAILED',
  );

  const err = await t.throwsAsync(report(tasks.running.id, status('RUNNING'), 'not-a-session'));
  t.true(isFlotillaError(err, 'NOT_FOUND'));
});

test('a node without heartbeats is marked DOWN after three periods; beating again on its session, it is READY again (fake clock)', async (t) => {
  let now = 1_000_000;
  const { store, node, dispatcher } = await setup({ heartbeatMs: 50, now: () => now });
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.status?.state),
    'READY',
  );
  now += 200;
  await eventually(() => store.view((tx) => tx.get('nodes', node.id)?.status?.state === 'DOWN'));
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.status?.message),
    'heartbeat failure',
  );
  // The session stays: the late node's next beat on it makes it READY, with no new session.
  t.is(stream.errors.length, 0);
  t.false(stream.ended);
  await beat(dispatcher, node, stream);
  await eventually(() => store.view((tx) => tx.get('nodes', node.id)?.status?.state === 'READY'));
  t.is(stream.writes.length, 1);
  t.is(stream.errors.length, 0);
});

// Serial: another test here holds the event loop on purpose, and the extra grace counts from
// the first expiry tick that sees the silence.
test.serial(
  'most nodes silent at once get three periods more before they are marked DOWN; a few silent are marked at once (fake clock)',
  async (t) => {
    let now = 1_000_000;
    // Periods of 200 ms: the expiry ticks (every half period) skip a turn late by half a period,
    // which shorter ones were on a busy machine.
    const { store, node, dispatcher } = await setup({ heartbeatMs: 200, now: () => now });
    const { others, nodes, streams } = await sessionsOf(t, { store, node, dispatcher }, 11);
    const states = () => store.view((tx) => nodes.map((n) => tx.get('nodes', n.id)?.status?.state));
    // All twelve silent for four periods: past three, but within the extra grace.
    now += 800;
    await new Promise((r) => setTimeout(r, 400));
    t.deepEqual(new Set(states()), new Set(['READY']));
    // Still silent three periods later: marked down.
    now += 800;
    await eventually(() => states().every((s) => s === 'DOWN'));

    // Back, then one of them silent alone: marked down without the extra grace.
    await Promise.all(nodes.map((n, i) => beat(dispatcher, n, streams[i]!)));
    await eventually(() => states().every((s) => s === 'READY'));
    now += 800;
    await Promise.all(others.map((n, i) => beat(dispatcher, n, streams[i + 1]!)));
    await eventually(() => states()[0] === 'DOWN');
    t.deepEqual(new Set(states().slice(1)), new Set(['READY']));
  },
);

test('a node whose beats wait unread behind a turn that held the manager is not marked DOWN', async (t) => {
  // Periods long enough that a busy machine's own pauses between the steps below stay under
  // the three missed periods that mark a node down.
  const period = 200;
  const { store, node, dispatcher } = await setup({ heartbeatMs: period });
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const downs: string[] = [];
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const e of store.watch({ tables: ['nodes'] }, ac.signal))
      if (e.table === 'nodes' && e.object.status?.state === 'DOWN') downs.push(e.object.id);
  })();
  await beat(dispatcher, node, stream);
  // The loop is held for five periods; the node's beat came meanwhile and waits to be read,
  // which happens after the timers that fell due (a beat is I/O: setImmediate here). The hold
  // runs after the poll phase, so the next turn starts with the timers, as after a real stall.
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      const until = performance.now() + 5 * period;
      while (performance.now() < until);
      setImmediate(() => void beat(dispatcher, node, stream).then(() => resolve()));
    }),
  );
  await new Promise((r) => setTimeout(r, period));
  await beat(dispatcher, node, stream);
  await new Promise((r) => setTimeout(r, period / 2));
  t.deepEqual(downs, []);
});

test('nodes that beat again in one turn are marked READY in one write (fake clock)', async (t) => {
  let now = 1_000_000;
  const { store, node, dispatcher } = await setup({ heartbeatMs: 50, now: () => now });
  const { nodes, streams } = await sessionsOf(t, { store, node, dispatcher }, 2);
  const ready = new Map<number, string[]>();
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  now += 200;
  await eventually(() =>
    store.view((tx) => nodes.every((n) => tx.get('nodes', n.id)?.status?.state === 'DOWN')),
  );
  void (async () => {
    for await (const e of store.watch({ tables: ['nodes'] }, ac.signal))
      if (e.table === 'nodes' && e.object.status?.state === 'READY')
        ready.set(e.index, [...(ready.get(e.index) ?? []), e.object.id]);
  })();
  await Promise.all(nodes.map((n, i) => beat(dispatcher, n, streams[i]!)));
  await eventually(() => [...ready.values()].flat().length === nodes.length);
  t.deepEqual(
    [...ready.values()].map((ids) => ids.sort()),
    [nodes.map((n) => n.id).sort()],
  );
});

test('a session silent for twelve periods is ended (fake clock)', async (t) => {
  let now = 1_000_000;
  const { node, dispatcher } = await setup({ heartbeatMs: 50, now: () => now });
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  now += 11 * 50;
  await beat(dispatcher, node, stream);
  now += 11 * 50;
  await beat(dispatcher, node, stream);
  now += 13 * 50;
  await eventually(() => stream.errors.length > 0);
  t.regex(String((stream.errors[0] as { details?: string }).details), /no heartbeats/);
  const err = await t.throwsAsync(beat(dispatcher, node, stream));
  t.true(isFlotillaError(err, 'NOT_FOUND'));
});

test('heartbeats keep a node READY while a silent one goes DOWN (fake clock)', async (t) => {
  let now = 1_000_000;
  const { store, node, dispatcher } = await setup({ heartbeatMs: 50, now: () => now });
  const silent = makeNode({ status: { state: 'UNKNOWN', message: '', addr: '' } });
  await store.update((tx) => tx.create('nodes', silent));
  runLoop(t, dispatcher);
  const alive = open(dispatcher, node);
  const quiet = open(dispatcher, silent);
  await eventually(() => alive.writes.length === 1 && quiet.writes.length === 1);

  // Two periods pass: both still within the limit of three.
  now += 100;
  t.like(await beat(dispatcher, node, alive), {
    periodMs: 50,
    role: 'WORKER',
  });
  now += 100;
  // 200ms since the silent node's session opened (more than three periods), 100ms since
  // the other's heartbeat (fewer).
  await eventually(() => store.view((tx) => tx.get('nodes', silent.id)?.status?.state === 'DOWN'));
  t.is(
    store.view((tx) => tx.get('nodes', node.id)?.status?.state),
    'READY',
  );
  t.is(alive.errors.length, 0);
});

test('beats on one stream are answered in turn; a refused beat ends the stream with its error', async (t) => {
  const { node, dispatcher } = await setup();
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const beats = beatsOf(dispatcher, (req) =>
    req.nodeId === node.id ? undefined : new FlotillaError('PERMISSION_DENIED', 'not this node'),
  );
  const req = { nodeId: node.id, sessionId: sessionId(stream), overlayDigest: '', noOverlay: false };
  beats.send(req);
  beats.send(req);
  t.is(beats.answers.length, 2);
  t.deepEqual(beats.errors, []);
  beats.send({ ...req, nodeId: 'another' });
  beats.send(req);
  t.is(beats.answers.length, 2, 'nothing is answered after the refusal');
  t.deepEqual(
    beats.errors.map((e) => e.code),
    ['PERMISSION_DENIED'],
  );
});

test('beats hand out the managers; a worker changing state does not make the list again, a manager changing does', async (t) => {
  const { store, node, dispatcher } = await setup();
  const manager = makeNode({
    role: 'MANAGER',
    managerStatus: { raftId: 7, addr: '10.0.0.7:4240', leader: true, reachability: 'REACHABLE' },
  });
  await store.update((tx) => tx.create('nodes', manager));
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const first = (await beat(dispatcher, node, stream)).raftMembers;
  t.deepEqual(first, [{ id: 7, address: '10.0.0.7:4240' }]);
  await store.update((tx) => {
    const worker = tx.get('nodes', node.id)!;
    tx.update('nodes', { ...worker, status: { ...worker.status!, message: 'busy' } });
  });
  await eventually(async () => (await beat(dispatcher, node, stream)).raftMembers === first);
  t.is((await beat(dispatcher, node, stream)).raftMembers, first, 'the same list, not made again');
  await store.update((tx) => {
    const m = tx.get('nodes', manager.id)!;
    tx.update('nodes', { ...m, managerStatus: { ...m.managerStatus!, addr: '10.0.0.8:4240' } });
  });
  await eventually(
    async () => (await beat(dispatcher, node, stream)).raftMembers[0]?.address === '10.0.0.8:4240',
  );
  t.pass();
});

test('a new session of the same node replaces the old one', async (t) => {
  const { node, dispatcher } = await setup();
  runLoop(t, dispatcher);
  const first = open(dispatcher, node);
  await eventually(() => first.writes.length === 1);
  const second = open(dispatcher, node);
  t.true(first.ended);
  await eventually(() => second.writes.length === 1);
  t.not(sessionId(first), sessionId(second));
  const err = await t.throwsAsync(beat(dispatcher, node, first));
  t.true(isFlotillaError(err, 'NOT_FOUND'));
  await t.notThrowsAsync(beat(dispatcher, node, second));
});

test('stopping the dispatcher fails open sessions with UNAVAILABLE', async (t) => {
  const { node, dispatcher } = await setup();
  const ac = new AbortController();
  const done = dispatcher.run(ac.signal);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  ac.abort();
  await done;
  t.is(stream.errors.length, 1);
  t.regex(String((stream.errors[0] as { details?: string }).details), /reconnect/);
});

test('the overlay peers: each node with a subnet, at its data path address or else its advertised one', (t) => {
  const peers = overlayPeersOf([
    makeNode({
      id: 'a',
      containerSubnet: '10.213.0.0/24',
      status: { state: 'READY', message: '', addr: '10.0.0.1:4240' },
    }),
    makeNode({
      id: 'b',
      containerSubnet: '10.213.1.0/24',
      dataPathAddr: '192.168.9.2',
      status: { state: 'READY', message: '', addr: '10.0.0.2:4240' },
    }),
    makeNode({ id: 'c', status: { state: 'READY', message: '', addr: '10.0.0.3:4240' } }),
  ]);
  t.deepEqual(peers, [
    { nodeId: 'a', subnet: '10.213.0.0/24', addr: '10.0.0.1' },
    { nodeId: 'b', subnet: '10.213.1.0/24', addr: '192.168.9.2' },
  ]);
});

test('the overlay peers go with a heartbeat answer only when the node holds another digest, changed sets at most every OVERLAY_REFRESH_MS (fake clock)', async (t) => {
  let clock = 1_000_000;
  const { store, node, dispatcher } = await setup({ now: () => clock });
  const peer = makeNode({
    containerSubnet: '10.213.1.0/24',
    status: { state: 'READY', message: '', addr: '10.0.0.2:4240' },
  });
  await store.update((tx) => tx.create('nodes', peer));
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);

  const first = await beat(dispatcher, node, stream);
  t.deepEqual(first.overlayPeers, [{ nodeId: peer.id, subnet: '10.213.1.0/24', addr: '10.0.0.2' }]);
  t.truthy(first.overlayDigest);
  const same = await beat(dispatcher, node, stream, first.overlayDigest);
  t.deepEqual(same.overlayPeers, []);
  t.is(same.overlayDigest, first.overlayDigest);
  // A node with no overlay to feed gets no peers, even holding none.
  const none = await beat(dispatcher, node, stream, '', true);
  t.deepEqual([none.overlayPeers, none.overlayDigest], [[], '']);

  // Another peer's subnet: a node holding the old digest gets the new set.
  await store.update((tx) =>
    tx.update('nodes', { ...tx.get('nodes', peer.id)!, containerSubnet: '10.213.2.0/24' }),
  );
  // The dispatcher hears of the change through its watch, a moment after the write; the set
  // made a moment ago stays until OVERLAY_REFRESH_MS have passed since it was made.
  await new Promise((r) => setTimeout(r, 50));
  t.is((await beat(dispatcher, node, stream, first.overlayDigest)).overlayDigest, first.overlayDigest);
  clock += OVERLAY_REFRESH_MS;
  const changed = await beat(dispatcher, node, stream, first.overlayDigest);
  t.deepEqual(changed.overlayPeers, [{ nodeId: peer.id, subnet: '10.213.2.0/24', addr: '10.0.0.2' }]);
  t.not(changed.overlayDigest, first.overlayDigest);
  t.deepEqual((await beat(dispatcher, node, stream, changed.overlayDigest)).overlayPeers, []);

  // A change long after the last set is handed out with the next beat.
  clock += 10 * OVERLAY_REFRESH_MS;
  await store.update((tx) =>
    tx.update('nodes', { ...tx.get('nodes', peer.id)!, containerSubnet: '10.213.3.0/24' }),
  );
  let later = await beat(dispatcher, node, stream, changed.overlayDigest);
  while (later.overlayDigest === changed.overlayDigest) {
    await new Promise((r) => setTimeout(r, 10));
    later = await beat(dispatcher, node, stream, changed.overlayDigest);
  }
  t.deepEqual(later.overlayPeers, [{ nodeId: peer.id, subnet: '10.213.3.0/24', addr: '10.0.0.2' }]);
});

test('a node holding a set handed out recently gets only the changes, the same for every such node, and ends with the set and digest of a fresh node; any other digest gets the whole set (fake clock)', async (t) => {
  let clock = 1_000_000;
  const { store, node, dispatcher } = await setup({ now: () => clock });
  const peerNode = (i: number) =>
    makeNode({
      containerSubnet: `10.213.${i}.0/24`,
      status: { state: 'READY', message: '', addr: `10.0.0.${i}:4240` },
    });
  const [a, b, c, d] = [peerNode(1), peerNode(2), peerNode(3), peerNode(4)];
  await store.update((tx) => {
    for (const n of [a, b, c]) tx.create('nodes', n!);
  });
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  /** The answer to a node holding `held`, once the dispatcher has heard of a change (through its watch) and made a set other than `than`'s. */
  const nextSet = async (held: string, than: string) => {
    clock += OVERLAY_REFRESH_MS;
    let res = await beat(dispatcher, node, stream, held);
    while (res.overlayDigest === than) {
      await new Promise((r) => setTimeout(r, 10));
      res = await beat(dispatcher, node, stream, held);
    }
    return res;
  };

  const first = await beat(dispatcher, node, stream);
  t.false(first.overlayChangesOnly);
  t.is(first.overlayPeers.length, 3);
  t.is(overlayDigest(first.overlayPeers), first.overlayDigest);

  // b moves to another subnet: a node holding the first set gets b alone.
  await store.update((tx) =>
    tx.update('nodes', { ...tx.get('nodes', b!.id)!, containerSubnet: '10.213.20.0/24' }),
  );
  const second = await nextSet(first.overlayDigest, first.overlayDigest);
  t.true(second.overlayChangesOnly);
  t.deepEqual(second.overlayPeers, [{ nodeId: b!.id, subnet: '10.213.20.0/24', addr: '10.0.0.2' }]);
  t.deepEqual(second.overlayRemoved, []);

  // c leaves and d joins: a node still holding the first set gets every change since.
  await store.update((tx) => {
    tx.delete('nodes', c!.id);
    tx.create('nodes', d!);
  });
  const third = await nextSet(second.overlayDigest, second.overlayDigest);
  t.deepEqual(third.overlayRemoved, [c!.id]);
  const fromFirst = await beat(dispatcher, node, stream, first.overlayDigest);
  t.true(fromFirst.overlayChangesOnly);
  t.deepEqual(fromFirst.overlayPeers.map((p) => p.nodeId).sort(), [b!.id, d!.id].sort());
  t.deepEqual(fromFirst.overlayRemoved, [c!.id]);
  t.is(
    (await beat(dispatcher, node, stream, first.overlayDigest)).overlayPeers,
    fromFirst.overlayPeers,
    'the changes from a set are made once',
  );
  const fresh = await beat(dispatcher, node, stream);
  t.false(fresh.overlayChangesOnly);
  const applied = withOverlayChanges(overlayPeersById(first.overlayPeers), {
    peers: fromFirst.overlayPeers,
    removed: fromFirst.overlayRemoved,
  });
  t.deepEqual(applied, overlayPeersById(fresh.overlayPeers));
  t.is(overlayDigest(applied.values()), fresh.overlayDigest);
  t.is(fromFirst.overlayDigest, fresh.overlayDigest);

  // A digest the dispatcher never handed out (or tampered with) gets the whole set.
  const tampered = await beat(dispatcher, node, stream, `${first.overlayDigest.slice(1)}x`);
  t.false(tampered.overlayChangesOnly);
  t.deepEqual(tampered.overlayPeers, fresh.overlayPeers);

  // A set replaced more than OVERLAY_KEPT_MS ago is forgotten at the next change.
  clock += OVERLAY_KEPT_MS;
  await store.update((tx) => tx.delete('nodes', a!.id));
  const later = await nextSet(third.overlayDigest, third.overlayDigest);
  t.deepEqual(later.overlayRemoved, [a!.id]);
  const stale = await beat(dispatcher, node, stream, first.overlayDigest);
  t.false(stale.overlayChangesOnly);
  t.is(stale.overlayPeers.length, 2);
});

test('a node gets the values of its own tasks, in the message that carries them, and no other', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode({ status: { state: 'UNKNOWN', message: '', addr: '' } });
  const service = makeService();
  const mine = makeTask(service, { slot: 1, nodeId: node.id, status: status('ASSIGNED') });
  const theirs = makeTask(service, { slot: 2, nodeId: 'other-node', status: status('ASSIGNED') });
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
    for (const x of [mine, theirs]) tx.create('tasks', x);
  });
  // One value per task, named after it: what the node receives says whose it is.
  const values = (_tx: unknown, tasks: readonly Task[]) =>
    tasks.map((x) => ({ id: `value-of-${x.id}`, data: Buffer.from('v') }));
  const dispatcher = new Dispatcher(store, log, () => 60_000, Date.now, values);
  runLoop(t, dispatcher);
  const stream = open(dispatcher, node);
  await eventually(() => stream.writes.length === 1);
  const sent = () => stream.writes.flatMap((w) => (w.assignments?.values ?? []).map((v) => v.id));
  t.deepEqual(sent(), [`value-of-${mine.id}`]);
  const added = makeTask(service, { slot: 3, nodeId: node.id, status: status('ASSIGNED') });
  await store.update((tx) => tx.create('tasks', added));
  await eventually(() => stream.writes.length === 2);
  t.deepEqual(
    stream.writes[1]?.assignments?.tasks?.map((x) => x.id),
    [added.id],
  );
  t.deepEqual(sent(), [`value-of-${mine.id}`, `value-of-${added.id}`]);
});
