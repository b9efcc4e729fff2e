import type { Operation } from './history.js';
import type { Model } from './linearizability.js';

/**
 * Sequential models for the linearizability checker. Each is partitioned per object (a key, a
 * service): operations on different objects are independent, and each object's sub-history is
 * checked on its own, which keeps the search small.
 *
 * A definite refusal that reveals the object's state (a create refused with ALREADY_EXISTS, an
 * update refused as stale, a NOT_FOUND) is recorded as an ok outcome whose output names the
 * refusal: it happened at one instant and the model checks it like any read. Only a refusal
 * that says nothing of the state and changed nothing (e.g. validation, no leader) is a `fail`.
 */

function partitionBy<I, O>(
  keyOf: (input: I) => string,
): (history: readonly Operation<I, O>[]) => Map<string, Operation<I, O>[]> {
  return (history) => {
    const parts = new Map<string, Operation<I, O>[]>();
    for (const op of history) {
      const key = keyOf(op.input);
      let part = parts.get(key);
      if (!part) {
        part = [];
        parts.set(key, part);
      }
      part.push(op);
    }
    return parts;
  };
}

// ---- a key-value register --------------------------------------------------------------------

export type KvInput =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  /** Sets `to` if the value is `from` (null: absent). */
  | { readonly kind: 'cas'; readonly key: string; readonly from: string | null; readonly to: string };

/** put: 'ok' (not checked); get: the value, null when absent; cas: whether it swapped. */
export type KvOutput = string | null | boolean;

/** One register per key, absent (null) at first. */
export const kvModel: Model<string | null, KvInput, KvOutput> = {
  init: () => null,
  step(value, input, output) {
    switch (input.kind) {
      case 'put':
        return [true, input.value];
      case 'get':
        return [output === undefined || output === value, value];
      case 'cas': {
        const swaps = value === input.from;
        if (output !== undefined && output !== swaps) return [false, value];
        return [true, swaps ? input.to : value];
      }
    }
  },
  hash: (value) => (value === null ? '-' : `=${value}`),
  partition: partitionBy((input) => input.key),
  describeOperation(input, output) {
    const out = output === undefined ? '?' : JSON.stringify(output);
    switch (input.kind) {
      case 'put':
        return `put ${input.key}=${JSON.stringify(input.value)} -> ${out}`;
      case 'get':
        return `get ${input.key} -> ${out}`;
      case 'cas':
        return `cas ${input.key} ${JSON.stringify(input.from)}->${JSON.stringify(input.to)} -> ${out}`;
    }
  },
  describeState: (value) => JSON.stringify(value),
};

// ---- services --------------------------------------------------------------------------------

/** The part of a service's spec the chaos clients write and read back. */
export interface ServiceValue {
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
}

/**
 * Operations on one service, named by `service`. `update` carries the version the client read
 * (0: unconditional), as our Control API's UpdateService does.
 */
export type ServiceInput =
  | { readonly kind: 'create'; readonly service: string; readonly value: ServiceValue }
  | {
      readonly kind: 'update';
      readonly service: string;
      readonly version: number;
      readonly value: ServiceValue;
    }
  | { readonly kind: 'remove'; readonly service: string }
  | { readonly kind: 'read'; readonly service: string };

/**
 * What came back. Versions are the store's (`meta.version`), reported when the answer carries
 * them. `exists` is a create refused with ALREADY_EXISTS, `conflict` an update refused as
 * stale (CONFLICT), `not-found` an update or remove of an absent service (NOT_FOUND).
 */
export type ServiceOutput =
  | { readonly kind: 'created'; readonly version?: number }
  | { readonly kind: 'exists' }
  | { readonly kind: 'updated'; readonly version?: number }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'removed' }
  | { readonly kind: 'read'; readonly value: (ServiceValue & { readonly version: number }) | null };

/**
 * A service's state: absent, or its value and a floor under its version. The cluster itself
 * writes services too (update status, endpoints), each write a new version, so the exact
 * version is not the clients' to know: only that it never goes down while the service exists,
 * and that it is at least what any operation placed before has seen.
 */
export type ServiceState = null | { readonly value: ServiceValue; readonly minVersion: number };

/**
 * The per-service register the chaos runner checks our Control API against:
 * - create: `created` if absent (the service exists from then on), `exists` if present;
 * - update (compare-and-set on the version): `updated` if present and the version it names can
 *   still be current (not below the floor; 0 names none), the new value taking effect with a
 *   version above both (the one reported, when the answer has it); `conflict` if present (a
 *   write of the cluster's own may have moved the version on); `not-found` if absent;
 * - remove: `removed` if present, `not-found` if absent;
 * - read: the value (and a version not below the floor), or null when absent.
 */
export const serviceModel: Model<ServiceState, ServiceInput, ServiceOutput> = {
  init: () => null,
  step(state, input, output) {
    const out = output?.kind;
    switch (input.kind) {
      case 'create':
        if (state !== null) return [out === undefined || out === 'exists', state];
        if (out !== undefined && out !== 'created') return [false, state];
        return [true, { value: input.value, minVersion: versionOf(output) }];
      case 'update': {
        if (state === null) return [out === undefined || out === 'not-found', state];
        if (out === 'conflict') return [true, state];
        if (out !== undefined && out !== 'updated') return [false, state];
        // Below the floor, the version named was stale here: the update conflicted.
        if (input.version !== 0 && input.version < state.minVersion) return [out === undefined, state];
        const before = Math.max(input.version, state.minVersion);
        const reported = versionOf(output);
        if (reported !== 0 && reported <= before) return [false, state];
        return [true, { value: input.value, minVersion: reported || before + 1 }];
      }
      case 'remove':
        if (state === null) return [out === undefined || out === 'not-found', state];
        if (out !== undefined && out !== 'removed') return [false, state];
        return [true, null];
      case 'read': {
        if (output === undefined) return [true, state];
        if (output.kind !== 'read') return [false, state];
        const seen = output.value;
        if (seen === null || state === null) return [seen === null && state === null, state];
        if (seen.version < state.minVersion || !sameValue(seen, state.value)) return [false, state];
        return [true, { value: state.value, minVersion: seen.version }];
      }
    }
  },
  hash: (state) =>
    state === null
      ? '-'
      : `${state.minVersion}:${state.value.replicas}:${canonicalLabels(state.value.labels)}`,
  partition: partitionBy((input) => input.service),
  describeOperation(input, output) {
    const out = output === undefined ? '?' : describeServiceOutput(output);
    switch (input.kind) {
      case 'create':
        return `create ${input.service} ${describeValue(input.value)} -> ${out}`;
      case 'update':
        return `update ${input.service}@${input.version} ${describeValue(input.value)} -> ${out}`;
      case 'remove':
        return `remove ${input.service} -> ${out}`;
      case 'read':
        return `read ${input.service} -> ${out}`;
    }
  },
  describeState: (state) =>
    state === null ? 'absent' : `${describeValue(state.value)} version >= ${state.minVersion}`,
};

function versionOf(output: ServiceOutput | undefined): number {
  return output && (output.kind === 'created' || output.kind === 'updated') ? (output.version ?? 0) : 0;
}

function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function sameValue(a: ServiceValue, b: ServiceValue): boolean {
  return a.replicas === b.replicas && canonicalLabels(a.labels) === canonicalLabels(b.labels);
}

function describeValue(v: ServiceValue): string {
  const labels = Object.keys(v.labels)
    .sort()
    .map((k) => `${k}=${v.labels[k]}`)
    .join(',');
  return `{replicas ${v.replicas}${labels ? `, ${labels}` : ''}}`;
}

function describeServiceOutput(o: ServiceOutput): string {
  switch (o.kind) {
    case 'read':
      return o.value === null ? 'absent' : `${describeValue(o.value)} version ${o.value.version}`;
    case 'created':
    case 'updated':
      return o.version === undefined ? o.kind : `${o.kind} version ${o.version}`;
    default:
      return o.kind;
  }
}

/**
 * The history with each unknown create or update whose value a read returned made definite:
 * it took effect, completing no later than the first such read (and no earlier than its own
 * invocation, so a read that saw a value before its write began still fails the check). Each
 * write's value must be its own (the chaos clients' labels make it so). Fewer operations left
 * open keep the search small, and nothing is assumed that the history does not show.
 */
export function settleObservedWrites(
  history: readonly Operation<ServiceInput, ServiceOutput>[],
): Operation<ServiceInput, ServiceOutput>[] {
  const firstSeen = new Map<string, number>();
  for (const op of history) {
    const out = op.outcome.type === 'ok' ? op.outcome.output : undefined;
    if (out?.kind !== 'read' || !out.value) continue;
    const key = `${op.input.service}/${describeValue(out.value)}`;
    firstSeen.set(key, Math.min(firstSeen.get(key) ?? Infinity, op.complete));
  }
  return history.map((op) => {
    if (op.outcome.type !== 'unknown' || (op.input.kind !== 'create' && op.input.kind !== 'update'))
      return op;
    const seen = firstSeen.get(`${op.input.service}/${describeValue(op.input.value)}`);
    if (seen === undefined) return op;
    const kind = op.input.kind === 'create' ? 'created' : 'updated';
    return { ...op, complete: Math.max(op.invoke, seen), outcome: { type: 'ok', output: { kind } } };
  });
}
