import test from 'ava';
import { HistoryRecorder, validateHistory } from '../../../chaos/history.js';
import { checkLinearizability, describeResult, type Model } from '../../../chaos/linearizability.js';
import { kvModel, type KvInput, type KvOutput } from '../../../chaos/models.js';
import { bruteForce, cas, fail, get, history, ok, put, unknown } from './histories.js';

type Row = [string, KvInput, number, number, ReturnType<typeof ok<KvOutput>> | typeof fail | typeof unknown];

function check(rows: Row[]) {
  const h = history<KvInput, KvOutput>(rows);
  const r = checkLinearizability(kvModel, h);
  // The search and the brute-force oracle agree on every hand-written history.
  if (r.verdict !== 'unknown' && h.length <= 9) {
    const partitions = kvModel.partition!(h);
    const brute = [...partitions.values()].every((part) => bruteForce(kvModel, part));
    if (brute !== r.ok) throw new Error(`checker says ${r.verdict}, brute force ${brute}`);
  }
  return r;
}

test('an empty history is linearizable', (t) => {
  t.true(check([]).ok);
});

test('sequential operations that agree with the model', (t) => {
  const r = check([
    ['a', put('x', '1'), 0, 10, ok('ok')],
    ['b', get('x'), 20, 30, ok('1')],
    ['a', cas('x', '1', '2'), 40, 50, ok(true)],
    ['b', cas('x', '1', '3'), 60, 70, ok(false)],
    ['a', get('x'), 80, 90, ok('2')],
  ]);
  t.true(r.ok);
  t.is(r.verdict, 'linearizable');
  t.deepEqual(r.failures, []);
});

test('a stale read after a write completed is not linearizable, and the report names it', (t) => {
  const r = check([
    ['a', put('x', '1'), 0, 10, ok('ok')],
    ['b', get('x'), 20, 30, ok(null)],
  ]);
  t.false(r.ok);
  t.is(r.verdict, 'not-linearizable');
  t.is(r.failures.length, 1);
  const f = r.failures[0]!;
  t.is(f.key, 'x');
  t.deepEqual(
    f.longestPrefix.map((o) => o.id),
    [0],
  );
  t.is(f.state, '1');
  t.is(f.stuck.id, 1);
  const text = describeResult(kvModel, r);
  t.regex(text, /not linearizable/);
  t.regex(text, /cannot be linearized: #1 client b \[20, 30\] get x -> null/);
});

test('a read concurrent with a write may see either value', (t) => {
  for (const seen of [null, '1']) {
    t.true(
      check([
        ['a', put('x', '1'), 0, 10, ok('ok')],
        ['b', get('x'), 5, 15, ok(seen)],
      ]).ok,
    );
  }
});

test('equal times overlap: a read invoked when a write completes may miss it', (t) => {
  t.true(
    check([
      ['a', put('x', '1'), 0, 10, ok('ok')],
      ['b', get('x'), 10, 20, ok(null)],
    ]).ok,
  );
});

test('concurrent writes: readers agreeing on one order is linearizable, disagreeing is not', (t) => {
  const writes: Row[] = [
    ['w1', put('x', 'a'), 0, 100, ok('ok')],
    ['w2', put('x', 'b'), 0, 100, ok('ok')],
  ];
  const reads = (c: string, first: string, second: string): Row[] => [
    [c, get('x'), 10, 20, ok(first)],
    [c, get('x'), 30, 40, ok(second)],
  ];
  t.true(check([...writes, ...reads('r1', 'a', 'b'), ...reads('r2', 'a', 'b')]).ok);
  const r = check([...writes, ...reads('r1', 'a', 'b'), ...reads('r2', 'b', 'a')]);
  t.false(r.ok);
  // Once both writes completed, every read sees the same value.
  t.false(check([...writes, ['r1', get('x'), 110, 120, ok('a')], ['r2', get('x'), 110, 120, ok('b')]]).ok);
});

test('two compare-and-sets from the same value cannot both succeed', (t) => {
  t.false(
    check([
      ['a', cas('x', null, '1'), 0, 10, ok(true)],
      ['b', cas('x', null, '2'), 0, 10, ok(true)],
    ]).ok,
  );
  t.true(
    check([
      ['a', cas('x', null, '1'), 0, 10, ok(true)],
      ['b', cas('x', null, '2'), 0, 10, ok(false)],
      ['c', get('x'), 20, 30, ok('1')],
    ]).ok,
  );
});

test('an unknown write may take effect later, or never', (t) => {
  const w: Row = ['a', put('x', '1'), 0, 0, unknown];
  // Observed long after it was sent.
  t.true(check([w, ['b', get('x'), 500, 510, ok('1')]]).ok);
  // Never observed.
  t.true(check([w, ['b', get('x'), 500, 510, ok(null)], ['b', get('x'), 600, 610, ok(null)]]).ok);
  // Not observed, then observed: it took effect in between.
  t.true(check([w, ['b', get('x'), 500, 510, ok(null)], ['b', get('x'), 600, 610, ok('1')]]).ok);
  // Observed, then gone with nothing else written: not linearizable.
  t.false(check([w, ['b', get('x'), 500, 510, ok('1')], ['b', get('x'), 600, 610, ok(null)]]).ok);
  // It cannot take effect before it was sent.
  t.false(
    check([
      ['b', get('x'), 0, 10, ok('1')],
      ['a', put('x', '1'), 20, 0, unknown],
    ]).ok,
  );
  // It may land after a write that completed later than it was sent.
  t.true(
    check([
      w,
      ['b', put('x', '2'), 10, 20, ok('ok')],
      ['c', get('x'), 30, 40, ok('1')],
      ['c', get('x'), 50, 60, ok('1')],
    ]).ok,
  );
});

test('an unknown compare-and-set takes the effect it would have had', (t) => {
  t.true(
    check([
      ['a', put('x', '1'), 0, 10, ok('ok')],
      ['b', cas('x', '1', '2'), 20, 0, unknown],
      ['c', get('x'), 30, 40, ok('2')],
    ]).ok,
  );
  t.false(
    check([
      ['a', put('x', '1'), 0, 10, ok('ok')],
      ['b', cas('x', '9', '2'), 20, 0, unknown],
      ['c', get('x'), 30, 40, ok('2')],
    ]).ok,
  );
});

test('failed operations never took effect', (t) => {
  t.false(
    check([
      ['a', put('x', '1'), 0, 10, fail],
      ['b', get('x'), 20, 30, ok('1')],
    ]).ok,
  );
  t.true(
    check([
      ['a', put('x', '1'), 0, 10, fail],
      ['b', get('x'), 5, 30, ok(null)],
    ]).ok,
  );
});

test('keys are checked apart: the failure names its key', (t) => {
  const r = check([
    ['a', put('x', '1'), 0, 10, ok('ok')],
    ['a', put('y', '1'), 20, 30, ok('ok')],
    ['b', get('x'), 40, 50, ok('1')],
    ['b', get('y'), 60, 70, ok(null)],
  ]);
  t.false(r.ok);
  t.deepEqual(
    r.partitions.map((p) => [p.key, p.verdict]),
    [
      ['x', 'linearizable'],
      ['y', 'not-linearizable'],
    ],
  );
  t.deepEqual(
    r.failures.map((f) => f.key),
    ['y'],
  );
});

test('a spent budget gives the verdict unknown', (t) => {
  const rows: Row[] = [];
  for (let i = 0; i < 12; i++) rows.push([`c${i}`, put('x', `${i}`), 0, 100, ok('ok')]);
  rows.push(['r', get('x'), 200, 210, ok('nobody wrote this')]);
  const h = history<KvInput, KvOutput>(rows);
  const spent = checkLinearizability(kvModel, h, { maxSteps: 50 });
  t.is(spent.verdict, 'unknown');
  t.false(spent.ok);
  t.deepEqual(spent.failures, []);
  t.regex(describeResult(kvModel, spent), /unknown \(budget exhausted\)/);
  t.is(checkLinearizability(kvModel, h, { timeoutMs: 0, maxSteps: 5000 }).verdict, 'unknown');
  // With room, the memoized search settles it quickly (12 writes: 4096 subsets, not 12! orders).
  const full = checkLinearizability(kvModel, h);
  t.is(full.verdict, 'not-linearizable');
  t.true(full.steps < 200_000, `${full.steps} steps`);
});

test('a model without partitioning sees one history, and equal() refines hash collisions', (t) => {
  // A counter whose hash is deliberately coarse (parity): equal() must keep states apart.
  const counter: Model<number, 'inc' | 'read', number | undefined> = {
    init: () => 0,
    step: (n, input, output) => (input === 'inc' ? [true, n + 1] : [output === undefined || output === n, n]),
    hash: (n) => `${n % 2}`,
    equal: (a, b) => a === b,
  };
  const h = history<'inc' | 'read', number | undefined>([
    ['a', 'inc', 0, 100, ok(undefined)],
    ['b', 'inc', 0, 100, ok(undefined)],
    ['c', 'inc', 0, 100, ok(undefined)],
    ['d', 'read', 10, 20, ok(2)],
    ['d', 'read', 30, 40, ok(1)],
  ]);
  const r = checkLinearizability(counter, h);
  t.is(r.partitions.length, 1);
  t.false(r.ok);
  t.true(checkLinearizability(counter, h.slice(0, 4)).ok);
});

test('the recorder keeps one clock, and operations in flight end as unknown', (t) => {
  const rec = new HistoryRecorder<KvInput, KvOutput>();
  const a = rec.invoke('a', put('x', '1'));
  const b = rec.invoke('b', get('x'));
  a.ok('ok');
  const c = rec.invoke('c', put('x', '2'));
  c.fail('no leader');
  t.throws(() => c.ok('ok'), { message: /already ended/ });
  const h = rec.history();
  validateHistory(h);
  t.deepEqual(
    h.map((o) => [o.id, o.client, o.invoke, o.complete, o.outcome.type]),
    [
      [0, 'a', 1, 3, 'ok'],
      [1, 'b', 2, Infinity, 'unknown'],
      [2, 'c', 4, 5, 'fail'],
    ],
  );
  t.is(b.id, 1);
  t.true(checkLinearizability(kvModel, h).ok);
});

test('a malformed history is refused', (t) => {
  t.throws(
    () => checkLinearizability(kvModel, history<KvInput, KvOutput>([['a', get('x'), 10, 5, ok(null)]])),
    {
      message: /before its invocation/,
    },
  );
});
