import test from 'ava';
import { GrpcRaftTransport } from '../../../../manager/raft/transport/index.js';
import { EntryType, MessageType, type Message } from '../../../../manager/raft/types.js';
import type { RaftBatch } from '../../../../proto/gen/flotilla/RaftBatch.js';
import type { RaftHandlers } from '../../../../proto/gen/flotilla/Raft.js';
import { eventually } from '../../helpers.js';
import {
  freePort,
  managerTls,
  message,
  plain,
  rawPeer,
  recordingLogger,
  Recorder,
  startCluster,
  startMember,
  transportToRaw,
} from './helpers.js';

/** Resolves after the current turn of the event loop, with its microtasks, is over. */
const nextTurn = () => new Promise((r) => setImmediate(r));

const app = (to: number, index: number): Message =>
  message({
    to,
    index,
    entries: [{ term: 1, index: index + 1, type: EntryType.Normal, data: Buffer.alloc(256, index) }],
  });

test('messages arrive in order at the member they are for', async (t) => {
  const [one, two, three] = await startCluster(t, 3);
  const sent = new Map<number, Message[]>([
    [2, []],
    [3, []],
  ]);
  for (let i = 0; i < 200; i++) {
    const batch = [app(2, i), app(3, i), message({ type: MessageType.Heartbeat, to: 2, commit: i })];
    for (const m of batch) sent.get(m.to)!.push(m);
    one!.transport.send(batch);
  }
  await eventually(() => two!.rec.received.length === 400 && three!.rec.received.length === 200);
  t.deepEqual(two!.rec.received.map(plain), sent.get(2)!.map(plain));
  t.deepEqual(three!.rec.received.map(plain), sent.get(3)!.map(plain));
  t.deepEqual(one!.rec.unreachables, []);
});

test('each send() writes one batch per peer, in order, carrying the cluster id', async (t) => {
  const batches = new Map<string, RaftBatch[]>();
  const addresses: string[] = [];
  for (const [id, name] of [
    [2, 'two'],
    [3, 'three'],
  ] as const) {
    const got: RaftBatch[] = [];
    batches.set(name, got);
    const handlers: RaftHandlers = {
      Send: (call, callback) => {
        call.on('data', (b: RaftBatch) => got.push(b));
        call.on('end', () => callback(null, {}));
      },
      InstallSnapshot: (_call, callback) => callback(null, {}),
    };
    addresses.push(await rawPeer(t, id, handlers));
  }
  const transport = new GrpcRaftTransport({
    id: 1,
    clusterId: 'cluster-a',
    logger: recordingLogger().logger,
    tls: await managerTls(1),
  });
  t.teardown(() => transport.close());
  transport.start(new Recorder());
  transport.setPeer(2, addresses[0]!);
  transport.setPeer(3, addresses[1]!);

  for (let i = 0; i < 3; i++) transport.send([app(2, 10 * i), app(3, 10 * i), app(2, 10 * i + 1)]);
  await eventually(() => batches.get('two')!.length === 3 && batches.get('three')!.length === 3);
  for (const [name, got] of batches) {
    t.true(got.every((b) => b.clusterId === 'cluster-a'));
    const indexes = got.map((b) => b.messages.map((m) => m.index));
    t.deepEqual(
      indexes,
      name === 'two'
        ? [
            [0, 1],
            [10, 11],
            [20, 21],
          ]
        : [[0], [10], [20]],
    );
  }
});

test('a message for another member is dropped by the one it reaches', async (t) => {
  const log = recordingLogger();
  const two = await startMember(2, { logger: log.logger });
  const one = await startMember(1);
  t.teardown(() => Promise.all([one.stop(), two.stop()]).then(() => undefined));
  one.transport.setPeer(2, two.address);
  one.transport.setPeer(3, two.address); // a stale address: member 2 now serves there
  one.transport.send([app(3, 1), app(3, 2)]);
  await eventually(
    () => log.lines.filter((l) => l.msg === 'message for another member dropped').length === 2,
  );
  one.transport.send([app(2, 3)]);
  await eventually(() => two.rec.received.length > 0);
  t.deepEqual(
    two.rec.received.map((m) => m.index),
    [3],
  );
});

test('batches from another cluster are refused and nothing is delivered', async (t) => {
  const log = recordingLogger();
  const two = await startMember(2, { clusterId: 'cluster-b', logger: log.logger });
  const one = await startMember(1, { clusterId: 'cluster-a' });
  t.teardown(() => Promise.all([one.stop(), two.stop()]).then(() => undefined));
  one.transport.setPeer(2, two.address);
  one.transport.send([app(2, 1), app(2, 2)]);
  await eventually(() => one.rec.unreachables.length > 0);
  t.deepEqual(one.rec.unreachables, [2]);
  t.deepEqual(two.rec.received, []);
  const refusal = log.lines.find((l) => l.level === 40 && /refused/.test(l.msg));
  t.truthy(refusal);
  t.regex(refusal!.msg, /cluster-a.*cluster-b/);
});

test('messages for unknown peers are dropped, a snapshot to one reported failed', async (t) => {
  const [one, two] = await startCluster(t, 2);
  const snap = message({
    type: MessageType.Snap,
    to: 9,
    snapshot: {
      metadata: { index: 5, term: 1, confState: { voters: [1], learners: [] } },
      data: Buffer.alloc(10),
    },
  });
  one!.transport.send([app(9, 1), snap, app(2, 2)]);
  await eventually(() => two!.rec.received.length === 1 && one!.rec.snapshots.length === 1);
  t.deepEqual(one!.rec.snapshots, [{ id: 9, ok: false }]);
  t.deepEqual(one!.rec.unreachables, []);
});

test('a peer that is down is reported unreachable once per attempt, and reached once it is up', async (t) => {
  const port = await freePort();
  const one = await startMember(1);
  t.teardown(() => one.stop());
  one.transport.setPeer(2, `127.0.0.1:${port}`);

  // All in one tick: one stream is opened, it fails, one report. What is sent as that report
  // arrives (a microtask after the failure, well inside the backoff) is dropped unreported.
  const reported = new Promise<void>((resolve) => {
    one.rec.unreachable = (id) => {
      one.rec.unreachables.push(id);
      if (one.rec.unreachables.length === 1) {
        for (let i = 0; i < 1000; i++) one.transport.send([app(2, i)]);
        resolve();
      }
    };
  });
  for (let i = 0; i < 1000; i++) one.transport.send([app(2, i)]);
  await reported;
  await nextTurn();
  t.deepEqual(one.rec.unreachables, [2]);

  const two = await startMember(2, { port });
  t.teardown(() => two.stop());
  await eventually(
    () => {
      one.transport.send([message({ type: MessageType.Heartbeat, to: 2 })]);
      return two.rec.received.length > 0;
    },
    { intervalMs: 25 },
  );
  // Heartbeats still on their way may arrive after the first one; these are Apps.
  one.transport.send([app(2, 1000), app(2, 1001)]);
  const apps = () => two.rec.received.filter((m) => m.type === MessageType.App).map((m) => m.index);
  await eventually(() => apps().length === 2);
  t.deepEqual(apps(), [1000, 1001]);
});

test('a peer that does not read: what waits is bounded, beyond it batches are dropped and reported', async (t) => {
  const log = recordingLogger();
  const { transport, rec } = await transportToRaw(
    t,
    {
      Send: () => undefined, // never reads: flow control backs the sender up
      InstallSnapshot: (_call, callback) => callback(null, {}),
    },
    { logger: log.logger },
  );
  const big = Buffer.alloc(1024 * 1024);
  const batch = message({ to: 2, entries: [{ term: 1, index: 1, type: EntryType.Normal, data: big }] });
  // 200 MiB offered to a stream that takes a few: past the 64 MiB bound, batches are dropped.
  for (let i = 0; i < 200; i++) transport.send([batch]);
  await eventually(() => rec.unreachables.length > 0);
  for (let i = 0; i < 200; i++) transport.send([batch]);
  // Batches are dropped inside send(), and reports follow in a microtask: a turn of the
  // event loop has seen every report these sends could make.
  await nextTurn();
  t.deepEqual(rec.unreachables, [2]);
  const said = (msg: string) => log.lines.filter((l) => l.msg === msg).length;
  t.true(said('raft stream backed up: batch dropped') > 200);
  t.is(said('raft stream down'), 0);
});

test('close() stops delivery both ways; a closed transport sends nothing and reports nothing', async (t) => {
  const [one, two] = await startCluster(t, 2);
  one!.transport.send([app(2, 1)]);
  await eventually(() => two!.rec.received.length === 1);

  await two!.transport.close();
  one!.transport.send([app(2, 2)]);
  await eventually(() => one!.rec.unreachables.length > 0);
  t.is(two!.rec.received.length, 1);

  await one!.transport.close();
  const reports = one!.rec.unreachables.length;
  one!.transport.setPeer(3, two!.address);
  one!.transport.send([app(2, 3), app(3, 3)]);
  // A closed transport's send() returns at once, and reports come in a microtask if at all.
  await nextTurn();
  t.is(one!.rec.unreachables.length, reports);
  t.is(two!.rec.received.length, 1);
});

test('changing a peer address moves its stream; removing a peer drops its messages', async (t) => {
  const [one, two] = await startCluster(t, 2);
  const other = await startMember(2);
  t.teardown(() => other.stop());
  one!.transport.send([app(2, 1)]);
  await eventually(() => two!.rec.received.length === 1);
  one!.transport.setPeer(2, other.address);
  one!.transport.send([app(2, 2)]);
  await eventually(() => other.rec.received.length === 1);
  one!.transport.removePeer(2);
  one!.transport.send([app(2, 3)]);
  one!.transport.setPeer(2, two!.address);
  one!.transport.send([app(2, 4)]);
  await eventually(() => two!.rec.received.length === 2);
  t.deepEqual(
    [...two!.rec.received, ...other.rec.received].map((m) => m.index),
    [1, 4, 2],
  );
});

test('a snapshot chunk size out of bounds is refused', async (t) => {
  const tls = await managerTls(1);
  const err = t.throws(
    () =>
      new GrpcRaftTransport({
        id: 1,
        clusterId: 'c',
        logger: recordingLogger().logger,
        snapshotChunkBytes: 0,
        tls,
      }),
  );
  t.regex(err!.message, /snapshotChunkBytes/);
});
