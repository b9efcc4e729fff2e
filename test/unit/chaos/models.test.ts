import test from 'ava';
import type { Outcome } from '../../../chaos/history.js';
import { checkLinearizability, describeResult } from '../../../chaos/linearizability.js';
import {
  serviceModel,
  type ServiceInput,
  type ServiceOutput,
  type ServiceValue,
} from '../../../chaos/models.js';
import { bruteForce, history, ok, unknown } from './histories.js';

type Row = [string, ServiceInput, number, number, Outcome<ServiceOutput>];

const v1: ServiceValue = { replicas: 1, labels: {} };
const v2: ServiceValue = { replicas: 2, labels: { tier: 'a' } };
const create = (value = v1): ServiceInput => ({ kind: 'create', service: 'web', value });
const update = (version: number, value = v2): ServiceInput => ({
  kind: 'update',
  service: 'web',
  version,
  value,
});
const remove: ServiceInput = { kind: 'remove', service: 'web' };
const read: ServiceInput = { kind: 'read', service: 'web' };
const seen = (value: ServiceValue | null, version = 0): Outcome<ServiceOutput> =>
  ok({ kind: 'read', value: value && { ...value, version } });
const out = (o: ServiceOutput): Outcome<ServiceOutput> => ok(o);

function linearizable(rows: Row[]): boolean {
  const h = history(rows);
  const r = checkLinearizability(serviceModel, h);
  const brute = [...serviceModel.partition!(h).values()].every((p) => bruteForce(serviceModel, p));
  if (brute !== r.ok) throw new Error(`checker says ${r.verdict}, brute force ${brute}`);
  return r.ok;
}

test('create: one of two concurrent creates wins, the other learns it exists', (t) => {
  t.true(
    linearizable([
      ['a', create(v1), 0, 10, out({ kind: 'created', version: 3 })],
      ['b', create(v2), 0, 10, out({ kind: 'exists' })],
      ['c', read, 20, 30, seen(v1, 3)],
    ]),
  );
  t.false(
    linearizable([
      ['a', create(v1), 0, 10, out({ kind: 'created' })],
      ['b', create(v2), 0, 10, out({ kind: 'created' })],
    ]),
  );
  // "exists" before anything was created.
  t.false(
    linearizable([
      ['b', create(v2), 0, 10, out({ kind: 'exists' })],
      ['a', create(v1), 20, 30, out({ kind: 'created' })],
    ]),
  );
});

test('update: compare-and-set on the version read', (t) => {
  const created: Row = ['a', create(v1), 0, 10, out({ kind: 'created', version: 5 })];
  // Updated with the version read; the next read sees the new value.
  t.true(
    linearizable([
      created,
      ['b', read, 20, 30, seen(v1, 5)],
      ['b', update(5), 40, 50, out({ kind: 'updated', version: 6 })],
      ['c', read, 60, 70, seen(v2, 6)],
    ]),
  );
  // A version below what was already seen is stale: it must conflict.
  t.false(
    linearizable([
      created,
      ['b', read, 20, 30, seen(v1, 7)],
      ['b', update(5), 40, 50, out({ kind: 'updated' })],
    ]),
  );
  t.true(
    linearizable([
      created,
      ['b', read, 20, 30, seen(v1, 7)],
      ['b', update(5), 40, 50, out({ kind: 'conflict' })],
      ['c', read, 60, 70, seen(v1, 7)],
    ]),
  );
  // Two updates from the same version: the cluster's own writes aside, only one can win; the
  // loser's value must not show once the winner's is seen.
  t.false(
    linearizable([
      created,
      ['b', update(5, v2), 20, 30, out({ kind: 'updated', version: 6 })],
      ['c', update(5, { replicas: 3, labels: {} }), 20, 30, out({ kind: 'updated', version: 7 })],
      ['d', read, 40, 50, seen(v2, 7)],
    ]),
  );
  // A version reported no higher than the one named is wrong.
  t.false(linearizable([created, ['b', update(5), 20, 30, out({ kind: 'updated', version: 5 })]]));
  // Unconditional (version 0) updates always apply.
  t.true(
    linearizable([
      created,
      ['b', read, 20, 30, seen(v1, 9)],
      ['b', update(0), 40, 50, out({ kind: 'updated' })],
      ['c', read, 60, 70, seen(v2, 10)],
    ]),
  );
});

test('update and remove of an absent service are NOT_FOUND', (t) => {
  t.true(
    linearizable([
      ['a', update(1), 0, 10, out({ kind: 'not-found' })],
      ['a', remove, 20, 30, out({ kind: 'not-found' })],
    ]),
  );
  t.false(
    linearizable([
      ['a', create(), 0, 10, out({ kind: 'created' })],
      ['b', update(0), 20, 30, out({ kind: 'not-found' })],
    ]),
  );
});

test('read: versions never go back, removed services stay gone', (t) => {
  const created: Row = ['a', create(v1), 0, 10, out({ kind: 'created', version: 4 })];
  t.false(linearizable([created, ['b', read, 20, 30, seen(v1, 8)], ['c', read, 40, 50, seen(v1, 6)]]));
  t.false(
    linearizable([
      created,
      ['b', remove, 20, 30, out({ kind: 'removed' })],
      ['c', read, 40, 50, seen(v1, 4)],
    ]),
  );
  t.false(linearizable([created, ['c', read, 20, 30, seen({ replicas: 1, labels: { tier: 'b' } }, 4)]]));
  // Label order does not matter.
  const two = { replicas: 1, labels: { a: '1', b: '2' } };
  t.true(
    linearizable([
      ['a', create(two), 0, 10, out({ kind: 'created' })],
      ['c', read, 20, 30, seen({ replicas: 1, labels: { b: '2', a: '1' } }, 1)],
    ]),
  );
});

test('unknown outcomes: a create that timed out may show up later', (t) => {
  t.true(
    linearizable([
      ['a', create(v1), 0, 0, unknown],
      ['b', read, 20, 30, seen(null)],
      ['b', read, 40, 50, seen(v1, 3)],
      ['c', create(v2), 60, 70, out({ kind: 'exists' })],
    ]),
  );
  // An unknown update cannot have applied on a stale version.
  t.false(
    linearizable([
      ['a', create(v1), 0, 10, out({ kind: 'created', version: 5 })],
      ['b', read, 20, 30, seen(v1, 6)],
      ['b', update(5), 40, 0, unknown],
      ['c', read, 60, 70, seen(v2, 7)],
    ]),
  );
  t.true(
    linearizable([
      ['a', create(v1), 0, 10, out({ kind: 'created', version: 5 })],
      ['b', update(5), 40, 0, unknown],
      ['c', read, 60, 70, seen(v2, 7)],
    ]),
  );
});

test('services are checked apart, and the report reads well', (t) => {
  const h = history<ServiceInput, ServiceOutput>([
    ['a', { kind: 'create', service: 'db', value: v1 }, 0, 10, out({ kind: 'created', version: 1 })],
    ['a', create(v1), 0, 10, out({ kind: 'created', version: 2 })],
    ['b', { kind: 'read', service: 'db' }, 20, 30, seen(null)],
  ]);
  const r = checkLinearizability(serviceModel, h);
  t.false(r.ok);
  t.deepEqual(
    r.failures.map((f) => f.key),
    ['db'],
  );
  const text = describeResult(serviceModel, r);
  t.regex(text, /partition "db": not linearizable/);
  t.regex(text, /#0 client a \[0, 10\] create db \{replicas 1\} -> created version 1/);
  t.regex(text, /state after it: \{replicas 1\} version >= 1/);
  t.regex(text, /cannot be linearized: #2 client b \[20, 30\] read db -> absent/);
});
