/**
 * The one error family of Flotilla. Every error a user or a peer can see carries a stable
 * `code`; the API boundary maps codes to gRPC status codes and the CLI prints `message`.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT' // bad input: the message names the field and what was expected
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT' // optimistic concurrency: the object changed since it was read
  | 'UNAUTHENTICATED' // the caller showed no certificate of this cluster
  | 'PERMISSION_DENIED' // e.g. a wrong join token, or a certificate whose role may not make the call
  | 'RESOURCE_EXHAUSTED' // a limit was reached (rate, size): the message names it
  | 'NODE_REMOVED' // the node was removed from the cluster: it must join again
  | 'UNAVAILABLE' // a peer or the cluster cannot be reached now; retrying may help
  | 'NOT_LEADER' // this manager does not lead; `leader` says where the leader is, if known
  | 'NO_QUORUM' // no quorum of managers: writes fail, and reads unless the caller takes stale ones
  | 'LOCKED' // an autolocked manager that restarted waits for its unlock key (`cluster unlock`)
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'CORRUPT' // persisted data failed a checksum or could not be decoded
  | 'INTERNAL';

/** Where the leader is, as far as the manager or Raft member that refused a call knows. */
export interface LeaderHint {
  /** The leader's Raft id. */
  readonly id: number;
  /** The leader's address, when the refuser knows it. */
  readonly address?: string;
}

export class FlotillaError extends Error {
  readonly code: ErrorCode;
  /** On NOT_LEADER: the leader to send the call to instead, when one is known. */
  readonly leader?: LeaderHint;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; leader?: LeaderHint }) {
    super(message, options);
    this.code = code;
    this.name = 'FlotillaError';
    this.leader = options?.leader;
  }
}

export const invalidArgument = (field: string, expected: string, got?: unknown): FlotillaError =>
  new FlotillaError(
    'INVALID_ARGUMENT',
    got === undefined
      ? `invalid ${field}: expected ${expected}`
      : `invalid ${field}: expected ${expected}, got ${JSON.stringify(got)}`,
  );

export const notFound = (kind: string, ref: string): FlotillaError =>
  new FlotillaError('NOT_FOUND', `${kind} ${JSON.stringify(ref)} not found`);

export function isFlotillaError(err: unknown, code?: ErrorCode): err is FlotillaError {
  return err instanceof FlotillaError && (code === undefined || err.code === code);
}

/** A readable one-line description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
