/**
 * On-disk format of the write-ahead log. All integers are little-endian; u64 fields hold
 * non-negative integers below 2^53 (stored as low u32 then high u32).
 *
 * A segment file `<seq:16 hex>-<firstIndex:16 hex>.wal` is a sequence of records:
 *
 *   record  = length:u32  crc:u32  type:u8  payload:(length - 1 bytes)
 *   crc     = CRC-32 (IEEE) of type + payload; each record is checked on its own
 *
 * Record types and payloads:
 *
 *   1 SegmentHeader   version:u8 (=1)  seq:u64  firstIndex:u64
 *                     always the first record of a segment; must match the file name
 *   2 Entry           term:u64  index:u64  entryType:u8  data:(rest)
 *   3 HardState       term:u64  vote:u64  commit:u64
 *   4 SnapshotMarker  index:u64  term:u64
 *
 * Replay semantics (see replay.ts): an Entry at index i replaces any earlier entry at i and
 * discards every entry after i; the last HardState wins; a SnapshotMarker records that the
 * snapshot file at (index, term) was durable when the records after it were written. A new
 * segment starts with its header and the latest HardState, so older segments can be
 * deleted once a snapshot covers their entries.
 */
import type { Entry, HardState } from '../types.js';
import { EntryType } from '../types.js';
import { ByteReader, ByteWriter } from './binary.js';
import { crc32 } from './checksum.js';
import { FlotillaError } from '../../../lib/errors.js';

export const WAL_FORMAT_VERSION = 1;

/** length:u32 + crc:u32 */
export const RECORD_PREFIX_BYTES = 8;

export enum WalRecordType {
  SegmentHeader = 1,
  Entry = 2,
  HardState = 3,
  SnapshotMarker = 4,
}

export interface SegmentHeader {
  seq: number;
  firstIndex: number;
}

/** Where a snapshot starts in the log; written once its snapshot file is durable. */
export interface SnapshotMarker {
  index: number;
  term: number;
}

export type WalRecord =
  | { type: WalRecordType.SegmentHeader; header: SegmentHeader }
  | { type: WalRecordType.Entry; entry: Entry }
  | { type: WalRecordType.HardState; hardState: HardState }
  | { type: WalRecordType.SnapshotMarker; marker: SnapshotMarker };

const KNOWN_TYPES: ReadonlySet<number> = new Set([
  WalRecordType.SegmentHeader,
  WalRecordType.Entry,
  WalRecordType.HardState,
  WalRecordType.SnapshotMarker,
]);

/** Accumulates framed records into one buffer, ready for a single write. */
export class RecordBatch {
  private readonly out = new ByteWriter(1024);

  get byteLength(): number {
    return this.out.length;
  }

  header(h: SegmentHeader): this {
    return this.record(WalRecordType.SegmentHeader, (w) =>
      w.u8(WAL_FORMAT_VERSION).u64(h.seq).u64(h.firstIndex),
    );
  }

  entry(e: Entry): this {
    return this.record(WalRecordType.Entry, (w) => w.u64(e.term).u64(e.index).u8(e.type).bytes(e.data));
  }

  hardState(hs: HardState): this {
    return this.record(WalRecordType.HardState, (w) => w.u64(hs.term).u64(hs.vote).u64(hs.commit));
  }

  snapshotMarker(m: SnapshotMarker): this {
    return this.record(WalRecordType.SnapshotMarker, (w) => w.u64(m.index).u64(m.term));
  }

  /** The framed bytes (a view, valid until the next record is added). */
  bytes(): Buffer {
    return this.out.view();
  }

  private record(type: WalRecordType, writePayload: (w: ByteWriter) => void): this {
    const start = this.out.length;
    this.out.u32(0).u32(0).u8(type);
    writePayload(this.out);
    const body = this.out.view(start + RECORD_PREFIX_BYTES);
    this.out.patchU32(start, body.length);
    this.out.patchU32(start + 4, crc32(body));
    return this;
  }
}

/** The outcome of reading the record that starts at some offset of a segment. */
export type RecordRead =
  { ok: true; type: number; payload: Buffer; next: number } | { ok: false; reason: string };

export function readRecordAt(buf: Buffer, offset: number): RecordRead {
  const available = buf.length - offset;
  if (available < RECORD_PREFIX_BYTES + 1) {
    return { ok: false, reason: `incomplete record prefix (${available} bytes)` };
  }
  const length = buf.readUInt32LE(offset);
  if (length === 0) return { ok: false, reason: 'zero record length' };
  if (length > available - RECORD_PREFIX_BYTES) {
    return { ok: false, reason: `record length ${length} runs past the end of the file` };
  }
  const body = buf.subarray(offset + RECORD_PREFIX_BYTES, offset + RECORD_PREFIX_BYTES + length);
  const expected = buf.readUInt32LE(offset + 4);
  const actual = crc32(body);
  if (actual !== expected) {
    return { ok: false, reason: `checksum mismatch (stored ${hex32(expected)}, computed ${hex32(actual)})` };
  }
  return {
    ok: true,
    type: body[0] as number,
    payload: body.subarray(1),
    next: offset + RECORD_PREFIX_BYTES + length,
  };
}

/**
 * Decodes a record whose checksum already verified. A failure here is never a torn write:
 * it means a format this code does not understand, so it throws CORRUPT.
 */
export function decodeRecord(type: number, payload: Uint8Array): WalRecord {
  switch (type) {
    case WalRecordType.SegmentHeader: {
      const r = new ByteReader(payload, 'segment header');
      const version = r.u8();
      if (version !== WAL_FORMAT_VERSION) {
        throw new FlotillaError('CORRUPT', `unsupported WAL format version ${version}`);
      }
      const header = { seq: r.u64(), firstIndex: r.u64() };
      r.end();
      return { type: WalRecordType.SegmentHeader, header };
    }
    case WalRecordType.Entry: {
      const r = new ByteReader(payload, 'log entry');
      const term = r.u64();
      const index = r.u64();
      const entryType = r.u8();
      if (entryType !== EntryType.Normal && entryType !== EntryType.ConfChange) {
        throw new FlotillaError('CORRUPT', `unknown entry type ${entryType} at index ${index}`);
      }
      return { type: WalRecordType.Entry, entry: { term, index, type: entryType, data: r.rest() } };
    }
    case WalRecordType.HardState: {
      const r = new ByteReader(payload, 'hard state');
      const hardState = { term: r.u64(), vote: r.u64(), commit: r.u64() };
      r.end();
      return { type: WalRecordType.HardState, hardState };
    }
    case WalRecordType.SnapshotMarker: {
      const r = new ByteReader(payload, 'snapshot marker');
      const marker = { index: r.u64(), term: r.u64() };
      r.end();
      return { type: WalRecordType.SnapshotMarker, marker };
    }
    default:
      throw new FlotillaError('CORRUPT', `unknown WAL record type ${type}`);
  }
}

/**
 * The offset of the first intact record strictly after `offset`, if any. Used to tell a
 * torn tail (nothing intact follows the damage) from damage in the middle of the log.
 */
export function findIntactRecordAfter(buf: Buffer, offset: number): number | undefined {
  for (let p = offset + 1; p + RECORD_PREFIX_BYTES < buf.length; p++) {
    if (!KNOWN_TYPES.has(buf[p + RECORD_PREFIX_BYTES] as number)) continue; // cheap filter before the checksum
    if (readRecordAt(buf, p).ok) return p;
  }
  return undefined;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
