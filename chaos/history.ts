/**
 * The record of what clients asked of the system and what came back: the input of the
 * linearizability checker (linearizability.ts).
 *
 * Times are numbers on one clock shared by every client (logical ticks or milliseconds). An
 * operation A precedes B in real time only when A completed strictly before B was invoked;
 * equal times count as overlapping.
 */

export type ClientId = string | number;

/**
 * How an operation ended:
 * - `ok`: it took effect exactly once, between its invocation and completion, and returned
 *   `output` (a definite refusal that tells something about the state, such as "already
 *   exists", is an ok outcome whose output says so: see models.ts);
 * - `fail`: it definitely did not take effect (refused before doing anything); the checker
 *   drops it;
 * - `unknown`: no answer (timeout, connection lost): it may have taken effect at any point after
 *   its invocation, or never. Its completion is +Infinity.
 */
export type Outcome<O> =
  | { readonly type: 'ok'; readonly output: O }
  | { readonly type: 'fail'; readonly error?: string }
  | { readonly type: 'unknown'; readonly error?: string };

export interface Operation<I, O> {
  /** Position in the recorded history, for reports. */
  readonly id: number;
  readonly client: ClientId;
  /** What was asked: the kind of operation and its arguments, e.g. `{ kind: 'put', key, value }`. */
  readonly input: I;
  readonly invoke: number;
  /** When the answer came back; +Infinity when the outcome is unknown. */
  readonly complete: number;
  readonly outcome: Outcome<O>;
}

/** An operation in flight: exactly one of its methods ends it. */
export interface PendingOperation<I, O> {
  readonly id: number;
  readonly client: ClientId;
  readonly input: I;
  readonly invoke: number;
  ok(output: O): Operation<I, O>;
  fail(error?: string): Operation<I, O>;
  unknown(error?: string): Operation<I, O>;
}

/** A clock that never returns the same value twice: 1, 2, 3, ... */
export function logicalClock(): () => number {
  let now = 0;
  return () => ++now;
}

/**
 * Records a history as clients run: `invoke` before sending a request, then `ok`, `fail` or
 * `unknown` on the handle once its fate is known. Operations still pending when `history()` is
 * called count as unknown.
 */
export class HistoryRecorder<I, O> {
  private readonly ops: (Operation<I, O> | PendingOperation<I, O>)[] = [];

  constructor(private readonly clock: () => number = logicalClock()) {}

  invoke(client: ClientId, input: I): PendingOperation<I, O> {
    const id = this.ops.length;
    const invoke = this.clock();
    let done = false;
    const finish = (outcome: Outcome<O>): Operation<I, O> => {
      if (done) throw new Error(`operation ${id} of client ${client} already ended`);
      done = true;
      const complete = outcome.type === 'unknown' ? Infinity : Math.max(invoke, this.clock());
      const op: Operation<I, O> = { id, client, input, invoke, complete, outcome };
      this.ops[id] = op;
      return op;
    };
    const pending: PendingOperation<I, O> = {
      id,
      client,
      input,
      invoke,
      ok: (output) => finish({ type: 'ok', output }),
      fail: (error) => finish(error === undefined ? { type: 'fail' } : { type: 'fail', error }),
      unknown: (error) => finish(error === undefined ? { type: 'unknown' } : { type: 'unknown', error }),
    };
    this.ops.push(pending);
    return pending;
  }

  /** Every operation so far, in invocation order; those still in flight as unknown. */
  history(): Operation<I, O>[] {
    return this.ops.map((op) =>
      'outcome' in op
        ? op
        : {
            id: op.id,
            client: op.client,
            input: op.input,
            invoke: op.invoke,
            complete: Infinity,
            outcome: { type: 'unknown', error: 'still pending' },
          },
    );
  }
}

/** Builds a completed operation directly (tests, imported histories). */
export function operation<I, O>(
  id: number,
  client: ClientId,
  input: I,
  invoke: number,
  complete: number,
  outcome: Outcome<O>,
): Operation<I, O> {
  return {
    id,
    client,
    input,
    invoke,
    complete: outcome.type === 'unknown' ? Infinity : complete,
    outcome,
  };
}

/** Throws on a history the checker cannot read: completion before invocation, duplicate ids. */
export function validateHistory<I, O>(history: readonly Operation<I, O>[]): void {
  const ids = new Set<number>();
  for (const op of history) {
    if (ids.has(op.id)) throw new Error(`history: operation id ${op.id} appears twice`);
    ids.add(op.id);
    if (!Number.isFinite(op.invoke)) throw new Error(`history: operation ${op.id} has no invocation time`);
    if (op.outcome.type === 'unknown') {
      if (op.complete !== Infinity) {
        throw new Error(`history: operation ${op.id} has an unknown outcome but completes at ${op.complete}`);
      }
    } else if (!Number.isFinite(op.complete)) {
      throw new Error(`history: operation ${op.id} has a definite outcome but no completion time`);
    } else if (op.complete < op.invoke) {
      throw new Error(
        `history: operation ${op.id} completes at ${op.complete}, before its invocation at ${op.invoke}`,
      );
    }
  }
}
