import { setImmediate as nextTurn } from 'node:timers/promises';
import { hexHead } from '../../../lib/bytes.js';
import type { Logger } from '../../../lib/log.js';
import { codec } from '../../../proto/load.js';
import type {
  RaftSnapshotData,
  RaftSnapshotDataInput,
} from '../../../proto/gen/flotilla/RaftSnapshotData.js';
import { decodeConfChange } from '../core/index.js';
import type { ConfChange, Entry, RaftId } from '../types.js';

/** A member of the Raft group and where its peers reach it. */
export interface RaftMemberAddress {
  id: RaftId;
  address: string;
}

const snapshotData = codec<RaftSnapshotData>('flotilla.RaftSnapshotData');

/** The application's state for a snapshot: its bytes, or runs of them one after another. */
export type SnapshotBytes = Uint8Array | readonly Uint8Array[];

/** Bytes copied in one turn of the event loop: a millisecond or two of work. */
const SLICE_BYTES = 4 * 1024 * 1024;
/** RaftSnapshotData's `app` field: field 2, length-delimited. */
const APP_TAG = (2 << 3) | 2;

/**
 * A snapshot's data: the member addresses at its index around the application's state, in
 * one buffer filled a slice at a time (a turn of the event loop between slices), so that a
 * state of hundreds of MiB never holds the loop. The bytes are the message protobuf writes
 * (members, then `app`): the envelope's members and the tag and length of `app` come first,
 * then the application's runs as they are.
 */
export async function encodeSnapshotData(
  members: ReadonlyMap<RaftId, string>,
  app: SnapshotBytes,
  sliceBytes = SLICE_BYTES,
): Promise<Uint8Array> {
  const runs = app instanceof Uint8Array ? [app] : app;
  const appBytes = runs.reduce((sum, run) => sum + run.length, 0);
  const value: RaftSnapshotDataInput = { members: [...members].map(([id, address]) => ({ id, address })) };
  const head = snapshotData.encode(value as RaftSnapshotData);
  const appHead = [APP_TAG, ...varint(appBytes)];
  const out = Buffer.allocUnsafe(head.length + appHead.length + appBytes);
  out.set(head, 0);
  out.set(appHead, head.length);
  let at = head.length + appHead.length;
  let sliceLeft = sliceBytes;
  for (const run of runs) {
    for (let from = 0; from < run.length;) {
      const n = Math.min(run.length - from, sliceLeft);
      out.set(run.subarray(from, from + n), at);
      at += n;
      from += n;
      sliceLeft -= n;
      if (sliceLeft === 0) {
        await nextTurn();
        sliceLeft = sliceBytes;
      }
    }
  }
  return out;
}

/** `n` as a protobuf varint. */
function varint(n: number): number[] {
  const bytes: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) bytes.push((n % 0x80) | 0x80);
  bytes.push(n);
  return bytes;
}

export function decodeSnapshotData(data: Uint8Array): { members: Map<RaftId, string>; app: Uint8Array } {
  // The snapshot a new group starts from, before any member has written one, is empty.
  if (data.length === 0) return { members: new Map(), app: data };
  const decoded = snapshotData.decode(data);
  return { members: new Map(decoded.members.map((m) => [m.id, m.address])), app: decoded.app };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A membership change carries the new member's address as its context. */
export const encodeAddress = (address: string): Uint8Array => utf8.encode(address);
export const decodeAddress = (context: Uint8Array): string => fromUtf8.decode(context);

/**
 * The membership change a conf change entry carries, or undefined (logged) when its data is
 * none: every member then skips the entry alike, as the core skips a change it refuses.
 */
export function readConfChange(entry: Entry, log: Logger): ConfChange | undefined {
  try {
    return decodeConfChange(entry.data);
  } catch (err) {
    log.error(
      { index: entry.index, bytes: entry.data.byteLength, head: hexHead(entry.data), err },
      'membership entry skipped: it does not decode',
    );
    return undefined;
  }
}
