import test from 'ava';
import { FlotillaError } from '../../../../lib/errors.js';
import { ProposalWaiters } from '../../../../manager/raft/node/waiters.js';

/** How `p` has ended once pending callbacks have run: its value, its error's code, or 'pending'. */
const settled = async (p: Promise<number>): Promise<string> => {
  let outcome = 'pending';
  p.then(
    (v) => (outcome = String(v)),
    (e: FlotillaError) => (outcome = e.code),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return outcome;
};

test('expire() fails the waits whose timeout has passed, and only those', async (t) => {
  const w = new ProposalWaiters();
  const a = w.wait({ index: 5, term: 2 }, 0, false);
  const b = w.wait({ index: 6, term: 2 }, 0, false);
  const c = w.wait({ index: 7, term: 2 }, 60_000, false);
  w.expire();
  const err = await t.throwsAsync(a, { instanceOf: FlotillaError });
  t.is(err?.code, 'TIMEOUT');
  t.regex(err?.message ?? '', /entry 5 was not committed within 0 ms/);
  t.is(await settled(b), 'TIMEOUT');
  t.is(await settled(c), 'pending');
  w.applied(7, 2, false);
  t.is(await c, 7);
});

test('a wait applied before its timeout resolves, and a later expire() finds nothing', async (t) => {
  const w = new ProposalWaiters();
  const a = w.wait({ index: 3, term: 1 }, 0, false);
  w.applied(3, 1, false);
  w.expire();
  t.is(await a, 3);
});

test('an entry applied with another term fails its wait with NOT_LEADER', async (t) => {
  const w = new ProposalWaiters();
  const a = w.wait({ index: 3, term: 1 }, 60_000, false);
  w.applied(3, 2, false);
  t.is(await settled(a), 'NOT_LEADER');
});
