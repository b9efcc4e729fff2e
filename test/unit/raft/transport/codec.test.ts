import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { FlotillaError } from '../../../../lib/errors.js';
import {
  decodeBatch,
  decodeChunk,
  encodeBatch,
  encodeChunk,
  sliceChunks,
} from '../../../../manager/raft/transport/codec.js';
import { EntryType, MessageType, type Message } from '../../../../manager/raft/types.js';
import { wire } from '../../../../proto/load.js';
import type { RaftMessage } from '../../../../proto/gen/flotilla/RaftMessage.js';
import { message, plain } from './helpers.js';

// The generated (protobufjs) codec of the same service: what any other protobuf reader sees.
const generated = wire.flotilla.Raft.service;

const roundTrip = (ms: Message[]): Message[] =>
  decodeBatch(encodeBatch({ clusterId: 'c', messages: ms })).messages;

/** A message as the generated codec decodes it, in the core's shape. */
function fromGenerated(w: RaftMessage): Message {
  const m: Message = {
    type: w.type,
    to: w.to,
    from: w.from,
    term: w.term,
    logTerm: w.logTerm,
    index: w.index,
    entries: w.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: e.data })),
    commit: w.commit,
    reject: w.reject,
    rejectHint: w.rejectHint,
    context: w.context,
  };
  if (w.snapshot) {
    const md = w.snapshot.metadata;
    m.snapshot = {
      metadata: {
        index: md?.index ?? 0,
        term: md?.term ?? 0,
        confState: { voters: md?.confState?.voters ?? [], learners: md?.confState?.learners ?? [] },
      },
      data: w.snapshot.data,
    };
  }
  return m;
}

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

const safeInt = fc.oneof(fc.constant(0), fc.nat(300), fc.maxSafeNat());
const bytes = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 300 }));
const arbMessage: fc.Arbitrary<Message> = fc
  .record({
    type: fc.constantFrom(
      ...(Object.values(MessageType).filter((v) => typeof v === 'number') as MessageType[]),
    ),
    to: safeInt,
    from: safeInt,
    term: safeInt,
    logTerm: safeInt,
    index: safeInt,
    entries: fc.array(
      fc.record({
        term: safeInt,
        index: safeInt,
        type: fc.constantFrom(EntryType.Normal, EntryType.ConfChange),
        data: bytes,
      }),
      { maxLength: 4 },
    ),
    commit: safeInt,
    reject: fc.boolean(),
    rejectHint: safeInt,
    context: bytes,
    snapshot: fc.option(
      fc.record({
        metadata: fc.record({
          index: safeInt,
          term: safeInt,
          confState: fc.record({
            voters: fc.array(safeInt, { maxLength: 5 }),
            learners: fc.array(safeInt, { maxLength: 3 }),
          }),
        }),
        data: bytes,
      }),
      { nil: undefined },
    ),
  })
  .map((m) => {
    const { snapshot, ...rest } = m;
    if (!snapshot) return rest;
    // Plain objects throughout (fast-check's records may have no prototype), as a decoder makes them.
    const { index, term, confState } = snapshot.metadata;
    const metadata = { index, term, confState: { voters: confState.voters, learners: confState.learners } };
    return { ...rest, snapshot: { metadata, data: snapshot.data } };
  });

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

test('any batch round-trips, and the generated codec reads the same messages from its bytes', (t) => {
  fc.assert(
    fc.property(fc.string(), fc.array(arbMessage, { maxLength: 4 }), (clusterId, messages) => {
      const bytes = encodeBatch({ clusterId, messages });
      const ours = decodeBatch(bytes);
      const theirs = generated.Send.requestDeserialize(bytes);
      return (
        ours.clusterId === clusterId &&
        theirs.clusterId === clusterId &&
        isDeepStrictEqual(ours.messages.map(plain), messages.map(plain)) &&
        isDeepStrictEqual(theirs.messages.map(fromGenerated).map(plain), messages.map(plain))
      );
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('what the generated codec writes, ours reads', (t) => {
  const bytes = generated.Send.requestSerialize({
    clusterId: 'c',
    messages: [
      {
        type: full.type,
        to: full.to,
        from: full.from,
        term: full.term,
        logTerm: full.logTerm,
        index: full.index,
        entries: full.entries,
        commit: full.commit,
        snapshot: full.snapshot,
        reject: full.reject,
        rejectHint: full.rejectHint,
        context: full.context,
      },
    ],
  });
  const back = decodeBatch(bytes);
  t.is(back.clusterId, 'c');
  t.deepEqual(back.messages.map(plain), [plain(full)]);
});

test('unknown fields are skipped and repeated ids are read packed or not', (t) => {
  const known = Buffer.from(encodeBatch({ clusterId: 'c', messages: [message({ to: 2, commit: 9 })] }));
  // Field 15 as a varint, a fixed64, a length-delimited value and a fixed32.
  const unknown = Buffer.from([
    0x78, 0x96, 0x01, 0x79, 1, 2, 3, 4, 5, 6, 7, 8, 0x7a, 2, 0xaa, 0xbb, 0x7d, 1, 2, 3, 4,
  ]);
  const back = decodeBatch(Buffer.concat([unknown, known, unknown]));
  t.is(back.clusterId, 'c');
  t.deepEqual(back.messages.map(plain), [plain(message({ to: 2, commit: 9 }))]);

  // A snapshot message whose voters come one per field (unpacked): 1, 2, then packed 3.
  const confState = Buffer.from([0x08, 1, 0x08, 2, 0x0a, 1, 3, 0x10, 4]);
  const metadata = Buffer.concat([Buffer.from([0x0a, confState.length]), confState, Buffer.from([0x10, 5])]);
  const snapshot = Buffer.concat([Buffer.from([0x12, metadata.length]), metadata]);
  const msg = Buffer.concat([Buffer.from([0x08, MessageType.Snap, 0x4a, snapshot.length]), snapshot]);
  const chunk = decodeChunk(Buffer.concat([Buffer.from([0x12, msg.length]), msg]));
  t.deepEqual(chunk.message?.snapshot?.metadata, {
    index: 5,
    term: 0,
    confState: { voters: [1, 2, 3], learners: [4] },
  });
});

test('malformed bytes are refused with INVALID_ARGUMENT naming what was wrong', (t) => {
  const bytes = encodeBatch({ clusterId: 'c', messages: [full] });
  const truncated = t.throws(() => decodeBatch(bytes.subarray(0, bytes.length - 10)), {
    instanceOf: FlotillaError,
  });
  t.is(truncated?.code, 'INVALID_ARGUMENT');
  t.regex(truncated?.message ?? '', /malformed raft .*truncated/);
  // Field 2 of a message (to) as 2^64 - 1.
  const huge = Buffer.from([0x12, 11, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  t.throws(() => decodeBatch(huge), { message: /beyond 2\^53/ });
  t.throws(() => decodeBatch(Buffer.from([0x0f])), { message: /wire type 7/ });
});

test('a chunk carries its message without snapshot data, and its own data slice', (t) => {
  const data = randomBytes(100);
  const bytes = encodeChunk({ clusterId: 'c', message: full, data });
  t.true(bytes.length < 600);
  const back = decodeChunk(bytes);
  t.is(back.clusterId, 'c');
  t.deepEqual(back.message?.snapshot?.metadata, full.snapshot?.metadata);
  t.is(back.message?.snapshot?.data.length, 0);
  t.deepEqual(Buffer.from(back.data), data);
  const theirs = generated.InstallSnapshot.requestDeserialize(bytes);
  t.is(theirs.message?.snapshot?.metadata?.index, 39);
  t.deepEqual(Buffer.from(theirs.data), data);

  const rest = decodeChunk(encodeChunk({ clusterId: 'c', data }));
  t.is(rest.message, undefined);
  t.deepEqual(Buffer.from(rest.data), data);
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
