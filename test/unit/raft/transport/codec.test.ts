import test from 'ava';
import { randomBytes } from 'node:crypto';
import { messageFromWire, messageToWire, sliceChunks } from '../../../../manager/raft/transport/codec.js';
import { EntryType, MessageType, type Message } from '../../../../manager/raft/types.js';
import { wire } from '../../../../proto/load.js';
import { message, plain } from './helpers.js';

// Through the same serializer gRPC uses for the Send stream.
const send = wire.flotilla.Raft.service.Send;
const roundTrip = (ms: Message[]): Message[] =>
  send
    .requestDeserialize(send.requestSerialize({ clusterId: 'c', messages: ms.map((m) => messageToWire(m)) }))
    .messages.map(messageFromWire);

const full: Message = {
  type: MessageType.App,
  to: 2,
  from: 3,
  term: 7,
  logTerm: 6,
  index: Number.MAX_SAFE_INTEGER,
  entries: [
    { term: 6, index: 41, type: EntryType.Normal, data: randomBytes(256) },
    { term: 7, index: 42, type: EntryType.ConfChange, data: new Uint8Array([1, 2, 3]) },
    { term: 7, index: 43, type: EntryType.Normal, data: new Uint8Array(0) },
  ],
  commit: 40,
  snapshot: {
    metadata: { index: 39, term: 5, confState: { voters: [1, 2, 3], learners: [4, 2 ** 40] } },
    data: randomBytes(1000),
  },
  reject: true,
  rejectHint: 12,
  context: new Uint8Array([9, 8, 7]),
};

test('every field of a message, its entries and its snapshot round-trips exactly', (t) => {
  const [back] = roundTrip([full]);
  t.truthy(back);
  t.deepEqual(plain(back!), plain(full));
  t.true(back!.entries[0]!.data instanceof Uint8Array);
  t.true(back!.snapshot!.data instanceof Uint8Array);
});

test('defaults round-trip: zeros, empty bytes as empty Uint8Array, no snapshot stays absent', (t) => {
  const zero = message({ to: 0, from: 0, term: 0, type: MessageType.Hup });
  const heartbeat = message({ type: MessageType.Heartbeat, to: 2, commit: 5 });
  const emptySnapshot = message({
    type: MessageType.Snap,
    to: 2,
    snapshot: {
      metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } },
      data: new Uint8Array(0),
    },
  });
  const back = roundTrip([zero, heartbeat, emptySnapshot]);
  t.deepEqual(back.map(plain), [zero, heartbeat, emptySnapshot].map(plain));
  t.false('snapshot' in back[0]!);
  t.true(back[0]!.context instanceof Uint8Array);
  t.is(back[0]!.context.length, 0);
  t.truthy(back[2]!.snapshot);
});

test('the head of a snapshot stream keeps the metadata and leaves the data out', (t) => {
  const chunk = wire.flotilla.Raft.service.InstallSnapshot;
  const bytes = chunk.requestSerialize({ clusterId: 'c', message: messageToWire(full, true) });
  const head = messageFromWire(chunk.requestDeserialize(bytes).message!);
  t.deepEqual(head.snapshot?.metadata, full.snapshot?.metadata);
  t.is(head.snapshot?.data.length, 0);
  t.true(bytes.length < 1000);
});

test('snapshot data is cut into views of at most the chunk size, at least one', (t) => {
  const data = randomBytes(10);
  const slices = sliceChunks(data, 4);
  t.deepEqual(
    slices.map((s) => s.length),
    [4, 4, 2],
  );
  t.deepEqual(Buffer.concat(slices), data);
  t.is(slices[0]!.buffer, data.buffer);
  t.deepEqual(
    sliceChunks(data, 5).map((s) => s.length),
    [5, 5],
  );
  t.deepEqual(
    sliceChunks(new Uint8Array(0), 4).map((s) => s.length),
    [0],
  );
});
