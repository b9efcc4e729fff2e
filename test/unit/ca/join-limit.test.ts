import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { JoinRateLimit } from '../../../manager/ca/join-limit.js';

/** A limiter on a clock the test moves by hand. */
function limiter(limits = {}) {
  let now = 1_000_000;
  const limit = new JoinRateLimit(() => now, limits);
  return { limit, advance: (ms: number) => (now += ms) };
}

const refused = (from: string, waitS: number) => ({
  message: `too many join attempts from ${from}: at most 10 at once, then 1 every 3 s; try again in ${waitS} s`,
});

test('an address may join 10 times at once, then is refused with RESOURCE_EXHAUSTED naming the limit', (t) => {
  const { limit } = limiter();
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  const err = t.throws(() => limit.check('10.0.0.5'), refused('10.0.0.5', 3));
  t.true(isFlotillaError(err, 'RESOURCE_EXHAUSTED'));
});

test('then one join every 3 s, and the refusal says how long to wait', (t) => {
  const { limit, advance } = limiter();
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  advance(2_000);
  t.throws(() => limit.check('10.0.0.5'), refused('10.0.0.5', 1));
  advance(1_000);
  t.notThrows(() => limit.check('10.0.0.5'));
  t.throws(() => limit.check('10.0.0.5'), refused('10.0.0.5', 3));
  // Refused attempts cost nothing: the wait does not grow with them.
  advance(1_900);
  t.throws(() => limit.check('10.0.0.5'), refused('10.0.0.5', 2));
  advance(1_100);
  t.notThrows(() => limit.check('10.0.0.5'));
});

test('an idle address earns its burst back, never more', (t) => {
  const { limit, advance } = limiter();
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  advance(3_600_000);
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  t.throws(() => limit.check('10.0.0.5'), refused('10.0.0.5', 3));
});

test('each address has its own bucket', (t) => {
  const { limit } = limiter();
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  t.throws(() => limit.check('10.0.0.5'));
  t.notThrows(() => limit.check('10.0.0.6'));
});

test('a clock that goes back earns nothing', (t) => {
  const { limit, advance } = limiter();
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  advance(-60_000);
  t.throws(() => limit.check('10.0.0.5'));
  advance(60_000 + 3_000);
  t.notThrows(() => limit.check('10.0.0.5'));
});

test('addresses whose bucket has filled up again are forgotten', (t) => {
  const { limit, advance } = limiter();
  limit.check('10.0.0.5');
  limit.check('10.0.0.6');
  advance(29_999);
  limit.check('10.0.0.7');
  t.is(limit.size, 3);
  advance(1);
  limit.check('10.0.0.7');
  t.is(limit.size, 1);
});

test('at most maxAddresses are remembered: the one unseen the longest goes first', (t) => {
  const { limit } = limiter({ maxAddresses: 2 });
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  limit.check('10.0.0.6');
  t.throws(() => limit.check('10.0.0.5'));
  limit.check('10.0.0.6');
  limit.check('10.0.0.7');
  t.is(limit.size, 2);
  // 10.0.0.5 was forgotten, so it starts over.
  for (let i = 0; i < 10; i++) limit.check('10.0.0.5');
  t.is(limit.size, 2);
});

test('the limits can be set', (t) => {
  const { limit, advance } = limiter({ burst: 2, refillMs: 500 });
  limit.check('h');
  limit.check('h');
  t.throws(() => limit.check('h'), {
    message: 'too many join attempts from h: at most 2 at once, then 1 every 0.5 s; try again in 1 s',
  });
  advance(500);
  t.notThrows(() => limit.check('h'));
});
