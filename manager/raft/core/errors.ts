import { FlotillaError } from '../../../lib/errors.js';
import { NONE, type RaftId } from '../types.js';

/** Storage was asked for an index that was compacted into a snapshot. */
export class CompactedError extends FlotillaError {
  constructor(index: number) {
    super('NOT_FOUND', `raft log index ${index} is compacted`);
    this.name = 'CompactedError';
  }
}

/** Storage was asked for an index past its last entry. */
export class UnavailableError extends FlotillaError {
  constructor(index: number) {
    super('NOT_FOUND', `raft log index ${index} is not available yet`);
    this.name = 'UnavailableError';
  }
}

/** The storage cannot produce a snapshot right now; the leader retries later. */
export class SnapshotUnavailableError extends FlotillaError {
  constructor() {
    super('UNAVAILABLE', 'raft snapshot is temporarily unavailable');
    this.name = 'SnapshotUnavailableError';
  }
}

/** A snapshot older than what storage already holds. */
export class SnapshotOutOfDateError extends FlotillaError {
  constructor(index: number, current: number) {
    super('CONFLICT', `raft snapshot at index ${index} is older than the stored one at ${current}`);
    this.name = 'SnapshotOutOfDateError';
  }
}

/** A proposal (entry or leadership transfer) that this node could not accept. */
export function proposalDropped(reason: string, lead: RaftId): FlotillaError {
  const who = lead === NONE ? 'the leader is unknown' : `the leader is ${lead}`;
  return new FlotillaError('NOT_LEADER', `raft proposal dropped: ${reason}; ${who}`, {
    leader: lead === NONE ? undefined : { id: lead },
  });
}

export function isProposalDropped(err: unknown): boolean {
  return err instanceof FlotillaError && err.code === 'NOT_LEADER';
}

/** A broken invariant of the algorithm or of the caller's contract: never expected at run time. */
export function raftPanic(message: string): FlotillaError {
  return new FlotillaError('INTERNAL', `raft invariant violated: ${message}`);
}
