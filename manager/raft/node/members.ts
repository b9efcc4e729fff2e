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

/** A snapshot's data: the member addresses at its index around the application's state. */
export function encodeSnapshotData(members: ReadonlyMap<RaftId, string>, app: Uint8Array): Uint8Array {
  const value: RaftSnapshotDataInput = {
    members: [...members].map(([id, address]) => ({ id, address })),
    app,
  };
  return snapshotData.encode(value as RaftSnapshotData);
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
