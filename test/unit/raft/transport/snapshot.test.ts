import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { MessageType, type Message } from '../../../../manager/raft/types.js';
import type { RaftSnapshotChunk } from '../../../../proto/gen/flotilla/RaftSnapshotChunk.js';
import { RaftPeerClient } from '../../../../manager/raft/transport/raft-service.js';
import { connect } from '../../../../proto/rpc.js';
import { eventually } from '../../helpers.js';
import {
  freePort,
  managerTls,
  message,
  plain,
  recordingLogger,
  startCluster,
  startMember,
  transportToRaw,
} from './helpers.js';

const MiB = 1024 * 1024;

function snap(to: number, data: Uint8Array, index = 100): Message {
  return message({
    type: MessageType.Snap,
    to,
    term: 3,
    snapshot: { metadata: { index, term: 2, confState: { voters: [1, 2, 3], learners: [4] } }, data },
  });
}

test('a 10 MiB snapshot streams in chunks and arrives whole, byte for byte', async (t) => {
  const [one, two] = await startCluster(t, 2);
  const sent = snap(2, randomBytes(10 * MiB + 123));
  one!.transport.send([sent]);
  await eventually(() => one!.rec.snapshots.length > 0);
  t.deepEqual(one!.rec.snapshots, [{ id: 2, ok: true }]);
  t.is(two!.rec.received.length, 1);
  const got = two!.rec.received[0]!;
  t.true(Buffer.from(sent.snapshot!.data).equals(got.snapshot!.data));
  t.deepEqual(plain({ ...got, snapshot: undefined }), plain({ ...sent, snapshot: undefined }));
  t.deepEqual(got.snapshot!.metadata, sent.snapshot!.metadata);
});

test('the first chunk carries the message without data, the rest the data in slices', async (t) => {
  const chunks: RaftSnapshotChunk[] = [];
  const { transport, rec } = await transportToRaw(
    t,
    {
      Send: (_call, callback) => callback(null, {}),
      InstallSnapshot: (call, callback) => {
        call.on('data', (c: RaftSnapshotChunk) => chunks.push(c));
        call.on('end', () => callback(null, {}));
      },
    },
    { snapshotChunkBytes: 1000 },
  );
  const data = randomBytes(4500);
  transport.send([snap(2, data)]);
  await eventually(() => rec.snapshots.length > 0);
  t.deepEqual(rec.snapshots, [{ id: 2, ok: true }]);
  t.deepEqual(
    chunks.map((c) => c.data.length),
    [1000, 1000, 1000, 1000, 500],
  );
  t.true(chunks.every((c) => c.clusterId === 'cluster-a'));
  t.is(chunks[0]!.message?.snapshot?.data.length, 0);
  t.is(chunks[0]!.message?.snapshot?.metadata?.index, 100);
  t.true(chunks.slice(1).every((c) => c.message === null));
  t.true(Buffer.concat(chunks.map((c) => c.data)).equals(data));
});

test('a snapshot to a dead peer is reported failed', async (t) => {
  const one = await startMember(1);
  t.teardown(() => one.stop());
  one.transport.setPeer(2, `127.0.0.1:${await freePort()}`);
  one.transport.send([snap(2, randomBytes(1000))]);
  await eventually(() => one.rec.snapshots.length > 0);
  t.deepEqual(one.rec.snapshots, [{ id: 2, ok: false }]);
});

test('one snapshot in flight per peer: a second one is reported failed', async (t) => {
  const [one, two] = await startCluster(t, 2);
  one!.transport.send([snap(2, randomBytes(2 * MiB), 100)]);
  one!.transport.send([snap(2, randomBytes(1000), 200)]);
  await eventually(() => one!.rec.snapshots.length === 2);
  t.deepEqual(one!.rec.snapshots, [
    { id: 2, ok: false },
    { id: 2, ok: true },
  ]);
  t.deepEqual(
    two!.rec.received.map((m) => m.snapshot?.metadata.index),
    [100],
  );
});

test('an aborted snapshot stream delivers nothing', async (t) => {
  const log = recordingLogger();
  const two = await startMember(2, { logger: log.logger });
  t.teardown(() => two.stop());
  const client = connect(RaftPeerClient, two.address, await managerTls(1));
  t.teardown(() => client.close());

  let result: grpc.ServiceError | null | undefined;
  const call = client.InstallSnapshot((err) => (result = err));
  call.write({
    clusterId: 'cluster-a',
    message: snap(2, new Uint8Array(0)),
    data: randomBytes(1000),
  });
  call.write({ clusterId: 'cluster-a', data: randomBytes(1000) });
  call.cancel();
  await eventually(() => result !== undefined);
  t.is(result?.code, grpc.status.CANCELLED);

  // A whole one after it is delivered, alone.
  const one = await startMember(1);
  t.teardown(() => one.stop());
  one.transport.setPeer(2, two.address);
  one.transport.send([snap(2, randomBytes(1000), 200)]);
  await eventually(() => one.rec.snapshots.length > 0);
  t.deepEqual(
    two.rec.received.map((m) => m.snapshot?.metadata.index),
    [200],
  );
});

test('a snapshot above the size bound, or from another cluster, is refused and not delivered', async (t) => {
  const two = await startMember(2, { maxSnapshotBytes: 10_000 });
  const stranger = await startMember(3, { clusterId: 'cluster-b' });
  const one = await startMember(1);
  t.teardown(() => Promise.all([one.stop(), two.stop(), stranger.stop()]).then(() => undefined));
  one.transport.setPeer(2, two.address);
  one.transport.setPeer(3, stranger.address);
  one.transport.send([snap(2, randomBytes(20_000)), snap(3, randomBytes(10))]);
  await eventually(() => one.rec.snapshots.length === 2);
  t.deepEqual(
    one.rec.snapshots.sort((a, b) => a.id - b.id),
    [
      { id: 2, ok: false },
      { id: 3, ok: false },
    ],
  );
  t.deepEqual(two.rec.received, []);
  t.deepEqual(stranger.rec.received, []);
});
