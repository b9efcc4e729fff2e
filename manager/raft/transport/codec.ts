/**
 * The Raft service's requests (proto/flotilla/raft.proto) encoded and decoded by hand,
 * straight from and to the core's Message. A generated codec first copies every message into
 * a wire object and back, with an object per 64-bit number, on each member for each message:
 * a large share of a follower's main-thread time per commit, and of what it allocates. The bytes are what any protobuf encoder writes (zeros and empty bytes left
 * out), and the decoder reads what any encoder writes (fields in any order, unknown fields
 * skipped, repeated numbers packed or not).
 */
import { EMPTY, newMessage } from '../core/index.js';
import type {
  ConfState,
  Entry,
  EntryType,
  Message,
  MessageType,
  Snapshot,
  SnapshotMetadata,
} from '../types.js';
import {
  lenFieldSize,
  LEN,
  ProtoReader,
  ProtoWriter,
  uintFieldSize,
  varintSize,
  VARINT,
} from './proto-wire.js';

/** A RaftBatch: what the Send stream carries. */
export interface SendBatch {
  clusterId: string;
  messages: Message[];
}

/** A RaftSnapshotChunk: the first one of a stream carries the message (its snapshot without data). */
export interface SnapshotChunk {
  clusterId: string;
  message?: Message;
  data: Uint8Array;
}

export function encodeBatch(batch: SendBatch): Buffer {
  const idBytes = Buffer.byteLength(batch.clusterId);
  let size = idBytes > 0 ? lenFieldSize(idBytes) : 0;
  for (const m of batch.messages) size += lenFieldSize(messageSize(m, true));
  const w = new ProtoWriter(size);
  if (idBytes > 0) w.string(1, batch.clusterId, idBytes);
  for (const m of batch.messages) writeMessage(w, 2, m, true);
  return w.finish();
}

export function decodeBatch(buf: Buffer): SendBatch {
  const r = new ProtoReader(buf, 'raft batch');
  const batch: SendBatch = { clusterId: '', messages: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) batch.clusterId = readString(r);
    else if (tag === ((2 << 3) | LEN)) batch.messages.push(readMessage(r));
    else r.skip(tag & 7);
  }
  return batch;
}

/** Encodes a chunk; its message's snapshot goes without data (the chunks carry that). */
export function encodeChunk(chunk: SnapshotChunk): Buffer {
  const idBytes = Buffer.byteLength(chunk.clusterId);
  let size = idBytes > 0 ? lenFieldSize(idBytes) : 0;
  if (chunk.message) size += lenFieldSize(messageSize(chunk.message, false));
  if (chunk.data.length > 0) size += lenFieldSize(chunk.data.length);
  const w = new ProtoWriter(size);
  if (idBytes > 0) w.string(1, chunk.clusterId, idBytes);
  if (chunk.message) writeMessage(w, 2, chunk.message, false);
  w.bytes(3, chunk.data);
  return w.finish();
}

export function decodeChunk(buf: Buffer): SnapshotChunk {
  const r = new ProtoReader(buf, 'raft snapshot chunk');
  const chunk: SnapshotChunk = { clusterId: '', data: EMPTY };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) chunk.clusterId = readString(r);
    else if (tag === ((2 << 3) | LEN)) chunk.message = readMessage(r);
    else if (tag === ((3 << 3) | LEN)) chunk.data = r.bytes();
    else r.skip(tag & 7);
  }
  return chunk;
}

/** About how many bytes `m` takes on the wire; for bounding what waits to be sent. */
export function wireSize(m: Message): number {
  let n = 32 + m.context.length;
  for (const e of m.entries) n += 16 + e.data.length;
  return n;
}

/** `data` cut into slices of at most `chunkBytes` (views, not copies); at least one slice. */
export function sliceChunks(data: Uint8Array, chunkBytes: number): Uint8Array[] {
  const slices: Uint8Array[] = [];
  let offset = 0;
  do {
    slices.push(data.subarray(offset, offset + chunkBytes));
    offset += chunkBytes;
  } while (offset < data.length);
  return slices;
}

// ---- sizes (every writer below writes exactly what its size function counts)

const bytesFieldSize = (b: Uint8Array): number => (b.length > 0 ? lenFieldSize(b.length) : 0);

function packedSize(ids: readonly number[]): number {
  let n = 0;
  for (const id of ids) n += varintSize(id);
  return n;
}

function confStateSize(cs: ConfState): number {
  const voters = packedSize(cs.voters);
  const learners = packedSize(cs.learners);
  return (voters > 0 ? lenFieldSize(voters) : 0) + (learners > 0 ? lenFieldSize(learners) : 0);
}

function metadataSize(md: SnapshotMetadata): number {
  return lenFieldSize(confStateSize(md.confState)) + uintFieldSize(md.index) + uintFieldSize(md.term);
}

function snapshotSize(s: Snapshot, withData: boolean): number {
  return (withData ? bytesFieldSize(s.data) : 0) + lenFieldSize(metadataSize(s.metadata));
}

function entrySize(e: Entry): number {
  return uintFieldSize(e.type) + uintFieldSize(e.term) + uintFieldSize(e.index) + bytesFieldSize(e.data);
}

function messageSize(m: Message, withSnapshotData: boolean): number {
  let n =
    uintFieldSize(m.type) +
    uintFieldSize(m.to) +
    uintFieldSize(m.from) +
    uintFieldSize(m.term) +
    uintFieldSize(m.logTerm) +
    uintFieldSize(m.index) +
    uintFieldSize(m.commit) +
    (m.reject ? 2 : 0) +
    uintFieldSize(m.rejectHint) +
    bytesFieldSize(m.context);
  for (const e of m.entries) n += lenFieldSize(entrySize(e));
  if (m.snapshot) n += lenFieldSize(snapshotSize(m.snapshot, withSnapshotData));
  return n;
}

// ---- writers

function writePacked(w: ProtoWriter, field: number, ids: readonly number[]): void {
  const size = packedSize(ids);
  if (size === 0) return;
  w.lenPrefix(field, size);
  for (const id of ids) w.varint(id);
}

function writeSnapshot(w: ProtoWriter, s: Snapshot, withData: boolean): void {
  w.lenPrefix(9, snapshotSize(s, withData));
  if (withData) w.bytes(1, s.data);
  const md = s.metadata;
  w.lenPrefix(2, metadataSize(md));
  w.lenPrefix(1, confStateSize(md.confState));
  writePacked(w, 1, md.confState.voters);
  writePacked(w, 2, md.confState.learners);
  w.uint(2, md.index);
  w.uint(3, md.term);
}

function writeMessage(w: ProtoWriter, field: number, m: Message, withSnapshotData: boolean): void {
  w.lenPrefix(field, messageSize(m, withSnapshotData));
  w.uint(1, m.type);
  w.uint(2, m.to);
  w.uint(3, m.from);
  w.uint(4, m.term);
  w.uint(5, m.logTerm);
  w.uint(6, m.index);
  for (const e of m.entries) {
    w.lenPrefix(7, entrySize(e));
    w.uint(1, e.type);
    w.uint(2, e.term);
    w.uint(3, e.index);
    w.bytes(4, e.data);
  }
  w.uint(8, m.commit);
  if (m.snapshot) writeSnapshot(w, m.snapshot, withSnapshotData);
  if (m.reject) w.uint(10, 1);
  w.uint(11, m.rejectHint);
  w.bytes(12, m.context);
}

// ---- readers (each reads one length-delimited value at the reader's position)

function readString(r: ProtoReader): string {
  const [start, end] = r.lenRange();
  return r.buf.toString('utf8', start, end);
}

function sub(r: ProtoReader, what: string): ProtoReader {
  const [start, end] = r.lenRange();
  return new ProtoReader(r.buf, what, start, end);
}

/** Ids of a repeated uint64 field, packed (LEN) or one per field (VARINT), into `into`. */
function readIds(r: ProtoReader, wireType: number, into: number[]): void {
  if (wireType === VARINT) {
    into.push(r.varint());
    return;
  }
  const packed = sub(r, 'raft conf state');
  while (!packed.done) into.push(packed.varint());
}

function readConfState(r: ProtoReader): ConfState {
  const cs: ConfState = { voters: [], learners: [] };
  const s = sub(r, 'raft conf state');
  while (!s.done) {
    const tag = s.tag();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1 && (wireType === LEN || wireType === VARINT)) readIds(s, wireType, cs.voters);
    else if (field === 2 && (wireType === LEN || wireType === VARINT)) readIds(s, wireType, cs.learners);
    else s.skip(wireType);
  }
  return cs;
}

function readSnapshot(r: ProtoReader): Snapshot {
  const snap: Snapshot = {
    metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } },
    data: EMPTY,
  };
  const s = sub(r, 'raft snapshot');
  while (!s.done) {
    const tag = s.tag();
    if (tag === ((1 << 3) | LEN)) {
      snap.data = s.bytes();
    } else if (tag === ((2 << 3) | LEN)) {
      const md = sub(s, 'raft snapshot metadata');
      while (!md.done) {
        const t = md.tag();
        if (t === ((1 << 3) | LEN)) snap.metadata.confState = readConfState(md);
        else if (t === ((2 << 3) | VARINT)) snap.metadata.index = md.varint();
        else if (t === ((3 << 3) | VARINT)) snap.metadata.term = md.varint();
        else md.skip(t & 7);
      }
    } else {
      s.skip(tag & 7);
    }
  }
  return snap;
}

function readEntry(r: ProtoReader): Entry {
  const e: Entry = { term: 0, index: 0, type: 0 as EntryType, data: EMPTY };
  const s = sub(r, 'raft entry');
  while (!s.done) {
    const tag = s.tag();
    if (tag === ((1 << 3) | VARINT)) e.type = s.varint() as EntryType;
    else if (tag === ((2 << 3) | VARINT)) e.term = s.varint();
    else if (tag === ((3 << 3) | VARINT)) e.index = s.varint();
    else if (tag === ((4 << 3) | LEN)) e.data = s.bytes();
    else s.skip(tag & 7);
  }
  return e;
}

function readMessage(r: ProtoReader): Message {
  const m = newMessage({ type: 0 as MessageType });
  const s = sub(r, 'raft message');
  while (!s.done) {
    const tag = s.tag();
    switch (tag) {
      case (1 << 3) | VARINT:
        m.type = s.varint() as MessageType;
        break;
      case (2 << 3) | VARINT:
        m.to = s.varint();
        break;
      case (3 << 3) | VARINT:
        m.from = s.varint();
        break;
      case (4 << 3) | VARINT:
        m.term = s.varint();
        break;
      case (5 << 3) | VARINT:
        m.logTerm = s.varint();
        break;
      case (6 << 3) | VARINT:
        m.index = s.varint();
        break;
      case (7 << 3) | LEN:
        m.entries.push(readEntry(s));
        break;
      case (8 << 3) | VARINT:
        m.commit = s.varint();
        break;
      case (9 << 3) | LEN:
        m.snapshot = readSnapshot(s);
        break;
      case (10 << 3) | VARINT:
        m.reject = s.varint() !== 0;
        break;
      case (11 << 3) | VARINT:
        m.rejectHint = s.varint();
        break;
      case (12 << 3) | LEN:
        m.context = s.bytes();
        break;
      default:
        s.skip(tag & 7);
    }
  }
  return m;
}
