import test from 'ava';
import { isFlotillaError } from '../../../../lib/errors.js';
import { ByteWriter } from '../../../../manager/raft/storage/binary.js';
import {
  decodeRecord,
  readRecordAt,
  RecordBatch,
  WalRecordType,
} from '../../../../manager/raft/storage/wal-format.js';
import { EntryType } from '../../../../manager/raft/types.js';

const MAX = Number.MAX_SAFE_INTEGER;

test('records round-trip, including the largest safe integers', (t) => {
  const e = { term: MAX, index: MAX - 1, type: EntryType.ConfChange, data: new Uint8Array([1, 2, 3]) };
  const buf = Buffer.from(
    new RecordBatch()
      .header({ seq: 1, firstIndex: MAX })
      .entry(e)
      .hardState({ term: 2 ** 32, vote: 2 ** 32 - 1, commit: 0 })
      .snapshotMarker({ index: 9, term: 8 })
      .bytes(),
  );
  const decoded = [];
  for (let at = 0; at < buf.length;) {
    const rec = readRecordAt(buf, at);
    if (!rec.ok) return t.fail(rec.reason);
    decoded.push(decodeRecord(rec.type, rec.payload));
    at = rec.next;
  }
  t.deepEqual(decoded, [
    { type: WalRecordType.SegmentHeader, header: { seq: 1, firstIndex: MAX } },
    { type: WalRecordType.Entry, entry: e },
    { type: WalRecordType.HardState, hardState: { term: 2 ** 32, vote: 2 ** 32 - 1, commit: 0 } },
    { type: WalRecordType.SnapshotMarker, marker: { index: 9, term: 8 } },
  ]);
});

test('an entry record costs a 9-byte frame and 17 bytes of fields', (t) => {
  const bytes = new RecordBatch().entry({
    term: 1,
    index: 1,
    type: EntryType.Normal,
    data: new Uint8Array(256),
  });
  t.is(bytes.byteLength, 9 + 17 + 256);
});

test('numbers that do not fit are refused on write and CORRUPT on read', (t) => {
  t.throws(() => new ByteWriter().u64(2 ** 53));
  t.throws(() => new ByteWriter().u64(-1));
  const tooBig = new ByteWriter().u32(0).u32(0x20_0000).u32(0).u32(0).u32(0).u32(0).view();
  t.true(
    isFlotillaError(
      t.throws(() => decodeRecord(WalRecordType.HardState, tooBig)),
      'CORRUPT',
    ),
  );
});

test('malformed payloads with a valid checksum are CORRUPT, never guessed at', (t) => {
  for (const [type, payload] of [
    [WalRecordType.HardState, new Uint8Array(23)],
    [WalRecordType.HardState, new Uint8Array(25)],
    [WalRecordType.Entry, new Uint8Array(16)],
    [WalRecordType.SegmentHeader, new Uint8Array(17)],
    [99, new Uint8Array(0)],
  ] as const) {
    t.true(
      isFlotillaError(
        t.throws(() => decodeRecord(type, payload)),
        'CORRUPT',
      ),
      `type ${type}`,
    );
  }
  const badEntryType = new ByteWriter().u64(1).u64(1).u8(7).view();
  t.throws(() => decodeRecord(WalRecordType.Entry, badEntryType), { message: /unknown entry type 7/ });
});
