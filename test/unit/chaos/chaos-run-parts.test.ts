import test from 'ava';
import { checkLinearizability } from '../../../chaos/linearizability.js';
import {
  serviceModel,
  type ServiceOutput,
  settleObservedWrites,
  type ServiceInput,
  type ServiceValue,
} from '../../../chaos/models.js';
import { describeFault, makeSchedule } from '../../../chaos/schedule.js';
import { history, ok, unknown } from './histories.js';
import type { Outcome } from '../../../chaos/history.js';

const topology = { managers: ['m1', 'm2', 'm3'], workers: ['w1'], diskHost: 'm3' };

test('a schedule is made from its seed alone, one fault at a time, healed before the end', (t) => {
  const a = makeSchedule(42, 120, topology);
  t.deepEqual(makeSchedule(42, 120, topology), a);
  t.notDeepEqual(makeSchedule(43, 120, topology), a);
  for (const [i, f] of a.entries()) {
    t.true(f.at + f.durationMs <= 120_000, describeFault(f));
    const next = a[i + 1];
    if (next) t.true(next.at >= f.at + f.durationMs, `${describeFault(f)} overlaps ${describeFault(next)}`);
    if (f.kind === 'disk-full') t.deepEqual(f.hosts, ['m3']);
    if (f.kind === 'split') t.true(f.hosts.filter((h) => h.startsWith('m')).length < 2, describeFault(f));
  }
  const kinds = new Set(
    Array.from({ length: 20 }, (_, s) => makeSchedule(s, 120, topology).map((f) => f.kind)).flat(),
  );
  t.deepEqual([...kinds].sort(), [
    'demote',
    'disk-full',
    'isolate-leader',
    'kill',
    'one-way',
    'pause',
    'promote',
    'split',
  ]);
});

const v = (label: string): ServiceValue => ({ labels: { chaos: label }, replicas: 1 });
const create = (label: string): ServiceInput => ({ kind: 'create', service: 'web', value: v(label) });
const read: ServiceInput = { kind: 'read', service: 'web' };
const saw = (label: string): Outcome<ServiceOutput> =>
  ok({ kind: 'read', value: { ...v(label), version: 4 } });

test('an unknown write that a read saw becomes definite, by that read at the latest', (t) => {
  const h = history([
    ['a', create('a.1'), 0, 0, unknown],
    ['b', read, 5, 8, saw('a.1')],
    ['c', create('c.1'), 2, 0, unknown],
  ]);
  const settled = settleObservedWrites(h);
  t.like(settled[0], { complete: 8, outcome: { type: 'ok', output: { kind: 'created' } } });
  t.is(settled[2]?.outcome.type, 'unknown');
  t.true(checkLinearizability(serviceModel, settled).ok);
});

test('a read that saw a write before the write began still fails the check once settled', (t) => {
  const h = history([
    ['b', read, 0, 3, saw('a.1')],
    ['a', create('a.1'), 5, 0, unknown],
  ]);
  const settled = settleObservedWrites(h);
  t.is(settled[1]?.complete, 5);
  t.false(checkLinearizability(serviceModel, settled).ok);
});
