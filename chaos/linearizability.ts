import { validateHistory, type Operation } from './history.js';

/**
 * A linearizability checker: is there one order of the history's operations, each placed at an
 * instant between its invocation and its completion, in which a sequential model of the object
 * gives every operation the output it actually returned?
 *
 * The search is Wing and Gong's, as refined by Lowe (and used by Porcupine): the invocations
 * and completions form one time-ordered list; walking it from the front, an operation whose
 * invocation comes before the first completion still in the list may be linearized next (if
 * the model accepts its output in the current state), which takes its invocation and
 * completion out of the list; meeting a completion whose operation is not yet linearized
 * means the choices so far were wrong, so the last one is undone and the walk resumes after
 * it. A cache of (set of linearized operations, model state) pairs already explored prunes
 * the search: reaching the same pair again cannot succeed where the first visit failed.
 *
 * Unknown outcomes: such an operation completes at +Infinity, so it may be linearized at any
 * point after its invocation, its output unchecked; and it may never take effect, so the
 * search succeeds once every operation with a definite outcome is linearized. Failed
 * operations never took effect and are dropped.
 *
 * The search is iterative (an explicit stack, no recursion) and bounded by an optional budget
 * of steps and time, past which the verdict is 'unknown'.
 */

/** The sequential specification of one kind of object. */
export interface Model<S, I, O> {
  /** The state before any operation. */
  init(): S;
  /**
   * Applies `input` to `state`: whether the operation can return `output` there, and the state
   * after it. `output` is undefined when the outcome is unknown: any output goes, and the
   * operation takes the effect it would have had in `state`. States are values: never modify
   * `state`, return a new one.
   */
  step(state: S, input: I, output: O | undefined): readonly [boolean, S];
  /** A hash of a state; with no `equal`, states of equal hashes are taken as equal. */
  hash(state: S): string;
  equal?(a: S, b: S): boolean;
  /**
   * Splits a history into independent sub-histories (one per object, e.g. per key), checked
   * one by one: a history is linearizable when each of them is.
   */
  partition?(history: readonly Operation<I, O>[]): Map<string, Operation<I, O>[]>;
  /** For reports. */
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
}

export interface CheckOptions {
  /** Search steps (operations tried) over the whole check; past it the verdict is 'unknown'. */
  maxSteps?: number;
  /** Milliseconds for the whole check; past it the verdict is 'unknown'. */
  timeoutMs?: number;
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

/** Why a sub-history is not linearizable, in terms of its best partial linearization. */
export interface Failure<S, I, O> {
  /** The partition's key ('' without partitioning). */
  key: string;
  /** The longest sequence of operations found that the model accepts, in linearization order. */
  longestPrefix: Operation<I, O>[];
  /** The model's state after longestPrefix. */
  state: S;
  /**
   * The operation with a definite outcome, not in longestPrefix, that completes first: no
   * linearization found could place it before its completion.
   */
  stuck: Operation<I, O>;
  /** The operations not in longestPrefix invoked before `stuck` completed (stuck among them). */
  pending: Operation<I, O>[];
}

export interface PartitionResult {
  key: string;
  verdict: Verdict;
  /** Operations checked (failed ones dropped). */
  operations: number;
  steps: number;
}

export interface CheckResult<S, I, O> {
  /** True only when the verdict is 'linearizable'. */
  ok: boolean;
  verdict: Verdict;
  partitions: PartitionResult[];
  /** One per sub-history that is not linearizable. */
  failures: Failure<S, I, O>[];
  steps: number;
}

/** Checks `history` against `model`; see the file's comment. */
export function checkLinearizability<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult<S, I, O> {
  validateHistory(history);
  const budget = new Budget(options);
  const parts = model.partition ? model.partition(history) : new Map([['', [...history]]]);
  const partitions: PartitionResult[] = [];
  const failures: Failure<S, I, O>[] = [];
  for (const [key, ops] of parts) {
    const before = budget.steps;
    const checked = ops.filter((op) => op.outcome.type !== 'fail');
    const r = budget.exhausted ? ({ verdict: 'unknown' } as const) : search(model, checked, budget);
    partitions.push({ key, verdict: r.verdict, operations: checked.length, steps: budget.steps - before });
    if (r.verdict === 'not-linearizable') failures.push({ key, ...r.failure });
  }
  const verdict: Verdict =
    failures.length > 0
      ? 'not-linearizable'
      : partitions.some((p) => p.verdict === 'unknown')
        ? 'unknown'
        : 'linearizable';
  return { ok: verdict === 'linearizable', verdict, partitions, failures, steps: budget.steps };
}

/** A readable account of a result: the verdict, and for each failure its best partial order. */
export function describeResult<S, I, O>(model: Model<S, I, O>, result: CheckResult<S, I, O>): string {
  const lines = [`${result.verdict} (${result.partitions.length} partitions, ${result.steps} steps)`];
  const op = (o: Operation<I, O>): string => {
    const output = o.outcome.type === 'ok' ? o.outcome.output : undefined;
    const what =
      model.describeOperation?.(o.input, output) ?? `${JSON.stringify(o.input)} -> ${JSON.stringify(output)}`;
    const end = o.outcome.type === 'unknown' ? 'unknown' : `${o.complete}`;
    return `#${o.id} client ${o.client} [${o.invoke}, ${end}] ${what}`;
  };
  for (const p of result.partitions) {
    if (p.verdict === 'unknown') lines.push(`partition ${JSON.stringify(p.key)}: unknown (budget exhausted)`);
  }
  for (const f of result.failures) {
    lines.push(`partition ${JSON.stringify(f.key)}: not linearizable`);
    lines.push(`  longest linearizable prefix (${f.longestPrefix.length} operations):`);
    for (const o of f.longestPrefix) lines.push(`    ${op(o)}`);
    lines.push(`  state after it: ${model.describeState?.(f.state) ?? model.hash(f.state)}`);
    lines.push(`  cannot be linearized: ${op(f.stuck)}`);
    const others = f.pending.filter((o) => o !== f.stuck);
    if (others.length > 0) {
      lines.push(`  other operations pending at that point:`);
      for (const o of others) lines.push(`    ${op(o)}`);
    }
  }
  return lines.join('\n');
}

// ---- the search ------------------------------------------------------------------------------

class Budget {
  steps = 0;
  exhausted = false;
  private readonly deadline: number;

  constructor(private readonly options: CheckOptions) {
    this.deadline = options.timeoutMs === undefined ? Infinity : performance.now() + options.timeoutMs;
  }

  /** Counts a step; false once the budget is spent. */
  spend(): boolean {
    this.steps++;
    if (this.options.maxSteps !== undefined && this.steps > this.options.maxSteps) this.exhausted = true;
    else if (this.deadline !== Infinity && (this.steps & 1023) === 0 && performance.now() > this.deadline)
      this.exhausted = true;
    return !this.exhausted;
  }
}

/** An invocation or completion in the doubly linked list the search walks. */
interface Event {
  /** Index of the operation in the sub-history. */
  readonly op: number;
  readonly call: boolean;
  readonly time: number;
  /** For an invocation: its completion. */
  match: Event | undefined;
  prev: Event | undefined;
  next: Event | undefined;
}

type SearchResult<S, I, O> =
  | { verdict: 'linearizable' | 'unknown' }
  | { verdict: 'not-linearizable'; failure: Omit<Failure<S, I, O>, 'key'> };

function search<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  budget: Budget,
): SearchResult<S, I, O> {
  const head = buildList(ops);
  const linearized = new Bits(ops.length);
  const seen = new Cache(model);
  /** The choices made so far: each linearized invocation and the state before it. */
  const stack: { call: Event; state: S }[] = [];
  let state = model.init();
  let best: { order: number[]; state: S } = { order: [], state };
  let entry = head.next;
  while (entry) {
    if (!budget.spend()) return { verdict: 'unknown' };
    if (entry.call) {
      const op = ops[entry.op]!;
      const output = op.outcome.type === 'ok' ? op.outcome.output : undefined;
      const [accepted, next] = model.step(state, op.input, output);
      if (accepted) {
        linearized.set(entry.op);
        if (seen.add(linearized, next)) {
          stack.push({ call: entry, state });
          state = next;
          lift(entry);
          if (stack.length > best.order.length) best = { order: stack.map((s) => s.call.op), state };
          entry = head.next;
          continue;
        }
        linearized.clear(entry.op);
      }
      entry = entry.next;
    } else {
      // A completion whose operation is not linearized. Completions at +Infinity (unknown
      // outcomes) come after every other: meeting one means every definite operation is placed.
      if (entry.time === Infinity) return { verdict: 'linearizable' };
      const last = stack.pop();
      if (!last) return { verdict: 'not-linearizable', failure: failureOf(ops, best.order, best.state) };
      state = last.state;
      linearized.clear(last.call.op);
      unlift(last.call);
      entry = last.call.next;
    }
  }
  return { verdict: 'linearizable' };
}

/**
 * The events sorted by time, invocations before completions at equal times (so that they
 * overlap); returns the list's head, a sentinel.
 */
function buildList<I, O>(ops: readonly Operation<I, O>[]): Event {
  const events: Event[] = [];
  ops.forEach((op, i) => {
    const ret: Event = {
      op: i,
      call: false,
      time: op.complete,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    events.push({ op: i, call: true, time: op.invoke, match: ret, prev: undefined, next: undefined }, ret);
  });
  events.sort((a, b) => a.time - b.time || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
  const head: Event = {
    op: -1,
    call: false,
    time: -Infinity,
    match: undefined,
    prev: undefined,
    next: undefined,
  };
  let prev = head;
  for (const e of events) {
    e.prev = prev;
    prev.next = e;
    prev = e;
  }
  return head;
}

/** Takes an invocation and its completion out of the list (they keep their own links). */
function lift(call: Event): void {
  call.prev!.next = call.next;
  call.next!.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts back what lift took out; undone in the reverse order of lifting. */
function unlift(call: Event): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  call.next!.prev = call;
}

function failureOf<S, I, O>(
  ops: readonly Operation<I, O>[],
  order: number[],
  state: S,
): Omit<Failure<S, I, O>, 'key'> {
  const placed = new Set(order);
  const rest = ops.filter((_, i) => !placed.has(i));
  let stuck: Operation<I, O> | undefined;
  for (const op of rest) {
    if (op.outcome.type === 'ok' && (!stuck || op.complete < stuck.complete)) stuck = op;
  }
  // There is one: with every definite operation placed, the search would have succeeded.
  const pending = rest.filter((op) => op.invoke <= stuck!.complete).sort((a, b) => a.invoke - b.invoke);
  return { longestPrefix: order.map((i) => ops[i]!), state, stuck: stuck!, pending };
}

/** The set of linearized operations, with a hash kept up to date as bits flip. */
class Bits {
  readonly words: Uint32Array;
  h1 = 0;
  h2 = 0;
  private readonly keys: Uint32Array;

  constructor(n: number) {
    this.words = new Uint32Array(Math.ceil(n / 32) || 1);
    // Two random 32-bit keys per operation (Zobrist hashing), from a fixed seed.
    this.keys = new Uint32Array(2 * n);
    let x = 0x2545f491;
    for (let i = 0; i < this.keys.length; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.keys[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.flip(i);
  }

  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
    this.flip(i);
  }

  private flip(i: number): void {
    this.h1 = (this.h1 ^ this.keys[2 * i]!) >>> 0;
    this.h2 = (this.h2 ^ this.keys[2 * i + 1]!) >>> 0;
  }
}

/** The (linearized set, state) pairs explored so far. */
class Cache<S, I, O> {
  private readonly buckets = new Map<string, { words: Uint32Array; state: S }[]>();

  constructor(private readonly model: Model<S, I, O>) {}

  /** Adds the pair; false when it was already there. */
  add(bits: Bits, state: S): boolean {
    const key = `${bits.h1}.${bits.h2}.${this.model.hash(state)}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    const equal = this.model.equal;
    for (const e of bucket) {
      if (sameWords(e.words, bits.words) && (!equal || equal.call(this.model, e.state, state))) return false;
    }
    bucket.push({ words: bits.words.slice(), state });
    return true;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
