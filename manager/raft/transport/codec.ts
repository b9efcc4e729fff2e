/**
 * Raft messages to and from their wire shape (proto/flotilla/raft.proto). Encoding itself
 * is gRPC's (the service definition's serializer); this only maps the plain objects.
 */
import type { Entry, Message, Snapshot } from '../types.js';
import type { RaftEntry, RaftEntryInput } from '../../../proto/gen/flotilla/RaftEntry.js';
import type { RaftMessage, RaftMessageInput } from '../../../proto/gen/flotilla/RaftMessage.js';
import type { RaftSnapshot, RaftSnapshotInput } from '../../../proto/gen/flotilla/RaftSnapshot.js';

// Zeros, false and empty bytes go out as undefined: the serializer then skips the field
// (proto3 reads it back as the default) instead of writing it and allocating a Long for it,
// and every wire object keeps one shape.
const num = (n: number): number | undefined => n || undefined;
const EMPTY = new Uint8Array(0);
const bytes = (b: Uint8Array): Uint8Array | undefined => (b.length > 0 ? b : undefined);

function entryToWire(e: Entry): RaftEntryInput {
  return { type: num(e.type), term: num(e.term), index: num(e.index), data: bytes(e.data) };
}

function snapshotToWire(s: Snapshot, data: Uint8Array): RaftSnapshotInput {
  const { index, term, confState } = s.metadata;
  return {
    data: bytes(data),
    metadata: { index: num(index), term: num(term), confState },
  };
}

/**
 * `m` in its wire shape. With `withoutSnapshotData`, a snapshot keeps its metadata but not
 * its data: the head of an InstallSnapshot stream, whose chunks carry the data.
 */
export function messageToWire(m: Message, withoutSnapshotData = false): RaftMessageInput {
  return {
    type: num(m.type),
    to: num(m.to),
    from: num(m.from),
    term: num(m.term),
    logTerm: num(m.logTerm),
    index: num(m.index),
    entries: m.entries.length > 0 ? m.entries.map(entryToWire) : undefined,
    commit: num(m.commit),
    snapshot: m.snapshot && snapshotToWire(m.snapshot, withoutSnapshotData ? EMPTY : m.snapshot.data),
    reject: m.reject || undefined,
    rejectHint: num(m.rejectHint),
    context: bytes(m.context),
  };
}

function entryFromWire(e: RaftEntry): Entry {
  return { term: e.term, index: e.index, type: e.type, data: e.data };
}

function snapshotFromWire(s: RaftSnapshot): Snapshot {
  const md = s.metadata;
  return {
    metadata: {
      index: md?.index ?? 0,
      term: md?.term ?? 0,
      confState: { voters: md?.confState?.voters ?? [], learners: md?.confState?.learners ?? [] },
    },
    data: s.data,
  };
}

/** A decoded wire message as the Raft core's Message. Bytes are views of the received buffer. */
export function messageFromWire(w: RaftMessage): Message {
  const m: Message = {
    type: w.type,
    to: w.to,
    from: w.from,
    term: w.term,
    logTerm: w.logTerm,
    index: w.index,
    entries: w.entries.map(entryFromWire),
    commit: w.commit,
    reject: w.reject,
    rejectHint: w.rejectHint,
    context: w.context,
  };
  if (w.snapshot) m.snapshot = snapshotFromWire(w.snapshot);
  return m;
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
