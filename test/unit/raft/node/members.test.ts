/** A snapshot's envelope, assembled a slice at a time around the application's runs. */
import test from 'ava';
import { decodeSnapshotData, encodeSnapshotData } from '../../../../manager/raft/node/members.js';
import { codec } from '../../../../proto/load.js';
import { countTurns } from '../../helpers.js';
import type { RaftSnapshotData } from '../../../../proto/gen/flotilla/RaftSnapshotData.js';

const envelope = codec<RaftSnapshotData>('flotilla.RaftSnapshotData');
const members = new Map([
  [1, 'a:1'],
  [2 ** 40, 'b:2'],
]);

/** Runs of 1 to 300 bytes (lengths past one varint byte), 30,000 bytes in all. */
function runs(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, total = 0; total < 30_000; i++) {
    const run = Uint8Array.from({ length: 1 + ((i * 37) % 300) }, (_, j) => (i + j) & 0xff);
    out.push(run);
    total += run.length;
  }
  return out;
}

test('the envelope around runs is the bytes protobuf writes around them joined, and reads back', async (t) => {
  const app = Buffer.concat(runs());
  const bytes = await encodeSnapshotData(members, runs());
  const whole = envelope.encode({
    members: [...members].map(([id, address]) => ({ id, address })),
    app,
  } as unknown as RaftSnapshotData);
  t.deepEqual(Buffer.from(bytes), Buffer.from(whole));
  const read = decodeSnapshotData(bytes);
  t.deepEqual(read.members, members);
  t.deepEqual(Buffer.from(read.app), app);
});

test('an empty state, as one buffer or as no runs, makes the envelope protobuf writes', async (t) => {
  const whole = envelope.encode({
    members: [...members].map(([id, address]) => ({ id, address })),
    app: new Uint8Array(),
  } as unknown as RaftSnapshotData);
  t.deepEqual(Buffer.from(await encodeSnapshotData(members, new Uint8Array())), Buffer.from(whole));
  t.deepEqual(Buffer.from(await encodeSnapshotData(members, [])), Buffer.from(whole));
  t.is(decodeSnapshotData(await encodeSnapshotData(members, [])).app.length, 0);
});

test('the runs are copied a slice of bytes a turn of the event loop', async (t) => {
  const counter = countTurns();
  // 30,000 bytes in slices of 1,000: 30 turns, whatever the clock says.
  await encodeSnapshotData(members, runs(), 1_000);
  counter.stop();
  t.true(counter.turns >= 30, `${counter.turns} turns`);
});
