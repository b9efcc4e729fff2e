/** Joins made again while the managers cannot take them: which refusals, how long, and for how long. */
import test from 'ava';
import { FlotillaError } from '../../../lib/errors.js';
import { retryJoin } from '../../../proto/join-retry.js';

const failing = (errors: FlotillaError[]) => {
  let calls = 0;
  return {
    join: async () => {
      const err = errors[calls++];
      if (err) throw err;
      return 'joined';
    },
    calls: () => calls,
  };
};

test('an election or the join limit under a join is waited out; the join is made again', async (t) => {
  const j = failing([
    new FlotillaError('NOT_LEADER', 'raft: this node lost leadership before the write committed'),
    new FlotillaError('RESOURCE_EXHAUSTED', 'too many join attempts from 10.0.0.1: ...; try again in 0 s'),
  ]);
  const waits: number[] = [];
  t.is(await retryJoin(j.join, { forMs: 10_000, onRetry: (_, ms) => waits.push(ms) }), 'joined');
  t.is(j.calls(), 3);
  t.deepEqual(waits, [1000, 0]);
});

test('a refusal a retry cannot change is thrown at once', async (t) => {
  const j = failing([new FlotillaError('PERMISSION_DENIED', 'the join token is not valid')]);
  await t.throwsAsync(retryJoin(j.join, { forMs: 10_000 }), { message: /not valid/ });
  t.is(j.calls(), 1);
});

test('past its time the last refusal is thrown', async (t) => {
  const j = failing([
    new FlotillaError('NO_QUORUM', 'no quorum'),
    new FlotillaError('NO_QUORUM', 'no quorum'),
  ]);
  await t.throwsAsync(retryJoin(j.join, { forMs: 500 }), { message: 'no quorum' });
  t.is(j.calls(), 1);
});
