import { operation, type Operation, type Outcome } from '../../../chaos/history.js';
import type { Model } from '../../../chaos/linearizability.js';
import type { KvInput, KvOutput, ServiceInput, ServiceOutput, ServiceValue } from '../../../chaos/models.js';
import type { Prng } from '../../../lib/prng.js';

/** Builders, generators and a brute-force oracle for the checker's tests. */

export type KvOp = Operation<KvInput, KvOutput>;

/** A history written as rows: [client, input, invoke, complete, outcome]. */
export function history<I, O>(rows: [string, I, number, number, Outcome<O>][]): Operation<I, O>[] {
  return rows.map(([client, input, invoke, complete, outcome], id) =>
    operation(id, client, input, invoke, complete, outcome),
  );
}

export const ok = <O>(output: O): Outcome<O> => ({ type: 'ok', output });
export const fail: Outcome<never> = { type: 'fail' };
export const unknown: Outcome<never> = { type: 'unknown' };

export const put = (key: string, value: string): KvInput => ({ kind: 'put', key, value });
export const get = (key: string): KvInput => ({ kind: 'get', key });
export const cas = (key: string, from: string | null, to: string): KvInput => ({
  kind: 'cas',
  key,
  from,
  to,
});

/**
 * Whether some order of the operations (failed ones left out, unknown ones optional) respects
 * real time and the model: every order tried, for small histories only.
 */
export function bruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const live = ops.filter((op) => op.outcome.type !== 'fail');
  const placed = new Array<boolean>(live.length).fill(false);
  const definite = live.filter((op) => op.outcome.type === 'ok').length;
  const go = (state: S, done: number): boolean => {
    if (done === definite) return true;
    for (let i = 0; i < live.length; i++) {
      if (placed[i]) continue;
      const x = live[i]!;
      // Everything that completed before x was invoked must already be placed.
      if (live.some((y, j) => !placed[j] && j !== i && y.complete < x.invoke)) continue;
      const output = x.outcome.type === 'ok' ? x.outcome.output : undefined;
      const [accepted, next] = model.step(state, x.input, output);
      if (!accepted) continue;
      placed[i] = true;
      const found = go(next, done + (x.outcome.type === 'ok' ? 1 : 0));
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return go(model.init(), 0);
}

export interface GenOptions {
  ops: number;
  keys: string[];
  clients: number;
  /** How far an operation's interval may reach either side of its linearization point. */
  spread: number;
  /** Chances of an operation being recorded unknown (taking effect or not) or failed. */
  unknown: number;
  fail: number;
}

/**
 * A history from a real sequential execution of a key-value store: operation i takes effect at
 * time 10*i, and its recorded interval is drawn around that instant, so intervals overlap at
 * random but the history is linearizable by construction. Unknown operations took effect or
 * not (half each); failed ones did not.
 */
export function generateKv(prng: Prng, o: GenOptions): KvOp[] {
  const store = new Map<string, string>();
  const ops: KvOp[] = [];
  let written = 0;
  for (let i = 0; i < o.ops; i++) {
    const at = 10 * (i + 1);
    const key = prng.pick(o.keys);
    const current = store.get(key) ?? null;
    let input: KvInput;
    const r = prng.next();
    if (r < 0.35) input = put(key, `v${++written}`);
    else if (r < 0.75) input = get(key);
    else {
      const from = prng.chance(0.6) ? current : prng.pick([null, `v${prng.int(written + 1)}`]);
      input = cas(key, from, `v${++written}`);
    }
    const fate = prng.next();
    const outcomeKind = fate < o.fail ? 'fail' : fate < o.fail + o.unknown ? 'unknown' : 'ok';
    const applies = outcomeKind === 'ok' || (outcomeKind === 'unknown' && prng.chance(0.5));
    let output: KvOutput = 'ok';
    if (applies) {
      if (input.kind === 'put') store.set(key, input.value);
      else if (input.kind === 'get') output = current;
      else {
        output = current === input.from;
        if (output) store.set(key, input.to);
      }
    }
    const invoke = at - prng.int(o.spread + 1);
    const complete = at + prng.int(o.spread + 1);
    const outcome: Outcome<KvOutput> =
      outcomeKind === 'ok' ? ok(output) : outcomeKind === 'fail' ? fail : unknown;
    ops.push(operation(i, `c${i % o.clients}`, input, invoke, complete, outcome));
  }
  return ops;
}

/**
 * A copy of `ops` with one operation changed: a read or compare-and-set answering otherwise, an
 * interval moved, or an outcome turned definite. Often no longer linearizable, not always.
 */
export function mutateKv(prng: Prng, ops: readonly KvOp[]): { ops: KvOp[]; what: string } {
  const out = [...ops];
  const i = prng.int(out.length);
  const op = out[i]!;
  const values = [
    null,
    'never-written',
    ...ops.flatMap((o) =>
      o.input.kind === 'get' ? [] : [o.input.kind === 'put' ? o.input.value : o.input.to],
    ),
  ];
  const r = prng.next();
  let changed: KvOp;
  if (r < 0.5 && op.outcome.type === 'ok' && op.input.kind !== 'put') {
    const was = op.outcome.output;
    const output = op.input.kind === 'cas' ? !was : prng.pick(values.filter((v) => v !== was));
    changed = { ...op, outcome: ok(output ?? null) };
  } else if (r < 0.8 && op.outcome.type === 'ok') {
    const len = op.complete - op.invoke;
    const invoke = op.invoke + prng.int(61) - 30;
    changed = { ...op, invoke, complete: invoke + prng.int(len + 1) };
  } else if (op.outcome.type !== 'ok') {
    const output: KvOutput =
      op.input.kind === 'put' ? 'ok' : op.input.kind === 'cas' ? prng.chance(0.5) : prng.pick(values);
    changed = { ...op, complete: op.invoke + prng.int(40), outcome: ok(output) };
  } else {
    changed = { ...op, complete: Infinity, outcome: unknown };
  }
  out[i] = changed;
  return { ops: out, what: `#${i}: ${JSON.stringify(op)} -> ${JSON.stringify(changed)}` };
}

export type ServiceOp = Operation<ServiceInput, ServiceOutput>;

/**
 * A history from a real sequential execution of services with store versions: every write
 * takes the next version, and the cluster's own writes (not recorded) bump versions too.
 * Clients update with the version they last read (stale or not) or unconditionally.
 */
export function generateServices(
  prng: Prng,
  o: Omit<GenOptions, 'keys'> & { services: string[] },
): ServiceOp[] {
  const store = new Map<string, ServiceValue & { version: number }>();
  /** What each client last read of each service. */
  const lastRead = new Map<string, number>();
  let version = 0;
  const ops: ServiceOp[] = [];
  for (let i = 0; i < o.ops; i++) {
    const at = 10 * (i + 1);
    const client = `c${i % o.clients}`;
    const service = prng.pick(o.services);
    const current = store.get(service);
    // The cluster's own write (update status and the like): a new version, the same value.
    if (current && prng.chance(0.15)) store.set(service, { ...current, version: ++version });
    const value: ServiceValue = {
      replicas: prng.int(4),
      labels: prng.chance(0.5) ? {} : { tier: prng.pick(['a', 'b']) },
    };
    const r = prng.next();
    const input: ServiceInput =
      r < 0.2
        ? { kind: 'create', service, value }
        : r < 0.5
          ? {
              kind: 'update',
              service,
              version: prng.chance(0.2) ? 0 : (lastRead.get(`${client}/${service}`) ?? prng.int(version + 1)),
              value,
            }
          : r < 0.6
            ? { kind: 'remove', service }
            : { kind: 'read', service };
    const fate = prng.next();
    const outcomeKind = fate < o.fail ? 'fail' : fate < o.fail + o.unknown ? 'unknown' : 'ok';
    const applies = outcomeKind === 'ok' || (outcomeKind === 'unknown' && prng.chance(0.5));
    let output: ServiceOutput = { kind: 'not-found' };
    if (applies) {
      const now = store.get(service);
      switch (input.kind) {
        case 'create':
          if (now) output = { kind: 'exists' };
          else {
            store.set(service, { ...input.value, version: ++version });
            output = { kind: 'created', version };
          }
          break;
        case 'update':
          if (!now) output = { kind: 'not-found' };
          else if (input.version !== 0 && input.version !== now.version) output = { kind: 'conflict' };
          else {
            store.set(service, { ...input.value, version: ++version });
            output = { kind: 'updated', version };
          }
          break;
        case 'remove':
          if (now) {
            store.delete(service);
            output = { kind: 'removed' };
          }
          break;
        case 'read':
          output = { kind: 'read', value: now ? { ...now } : null };
          if (now && outcomeKind === 'ok') lastRead.set(`${client}/${service}`, now.version);
          break;
      }
    }
    const invoke = at - prng.int(o.spread + 1);
    const complete = at + prng.int(o.spread + 1);
    const outcome: Outcome<ServiceOutput> =
      outcomeKind === 'ok' ? ok(output) : outcomeKind === 'fail' ? fail : unknown;
    ops.push(operation(i, client, input, invoke, complete, outcome));
  }
  return ops;
}

/** A copy of `ops` with one definite answer changed, or one interval moved. */
export function mutateServices(prng: Prng, ops: readonly ServiceOp[]): { ops: ServiceOp[]; what: string } {
  const out = [...ops];
  const i = prng.int(out.length);
  const op = out[i]!;
  let changed: ServiceOp;
  if (op.outcome.type !== 'ok' || prng.chance(0.25)) {
    const invoke = op.invoke + prng.int(61) - 30;
    changed = { ...op, invoke, complete: op.outcome.type === 'unknown' ? Infinity : invoke + prng.int(40) };
  } else {
    const o = op.outcome.output;
    const swapped: Record<string, ServiceOutput> = {
      created: { kind: 'exists' },
      exists: { kind: 'created' },
      updated: { kind: prng.chance(0.5) ? 'conflict' : 'not-found' },
      conflict: { kind: 'updated' },
      removed: { kind: 'not-found' },
      'not-found': { kind: op.input.kind === 'remove' ? 'removed' : 'conflict' },
    };
    let output: ServiceOutput;
    if (o.kind !== 'read') output = swapped[o.kind]!;
    else if (o.value === null) output = { kind: 'read', value: { replicas: 1, labels: {}, version: 1 } };
    else {
      const v = o.value;
      output = prng.pick<ServiceOutput>([
        { kind: 'read', value: null },
        { kind: 'read', value: { ...v, version: Math.max(0, v.version - 1 - prng.int(3)) } },
        { kind: 'read', value: { ...v, replicas: v.replicas + 1 } },
      ]);
    }
    changed = { ...op, outcome: ok(output) };
  }
  out[i] = changed;
  return { ops: out, what: `#${i}: ${JSON.stringify(op)} -> ${JSON.stringify(changed)}` };
}
