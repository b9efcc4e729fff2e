import test from 'ava';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_LOGIN_TTL_MS,
  SESSION_TTL_MS,
  signToken,
  tokenKey,
  verifyToken,
} from '../../../manager/dashboard/tokens.js';

const dataKey = randomBytes(32);
const now = 1_800_000_000_000;

test('a sign-in token verifies under the same data key until it expires', (t) => {
  const key = tokenKey(dataKey, 'login');
  const token = signToken(key, 'login', now + DEFAULT_LOGIN_TTL_MS);
  t.deepEqual(verifyToken(key, 'login', token, now), { ok: true, expiresAt: now + DEFAULT_LOGIN_TTL_MS });
  t.deepEqual(
    verifyToken(tokenKey(Buffer.from(dataKey), 'login'), 'login', token, now + DEFAULT_LOGIN_TTL_MS - 1),
    {
      ok: true,
      expiresAt: now + DEFAULT_LOGIN_TTL_MS,
    },
  );
  t.deepEqual(verifyToken(key, 'login', token, now + DEFAULT_LOGIN_TTL_MS), {
    ok: false,
    reason: 'the token expired',
  });
});

test("another cluster's data key, or the other kind's key, refuses a token", (t) => {
  const token = signToken(tokenKey(dataKey, 'session'), 'session', now + SESSION_TTL_MS);
  t.false(verifyToken(tokenKey(randomBytes(32), 'session'), 'session', token, now).ok);
  // A sign-in token is not a session, even though both come from one data key.
  const login = signToken(tokenKey(dataKey, 'login'), 'login', now + DEFAULT_LOGIN_TTL_MS);
  t.deepEqual(verifyToken(tokenKey(dataKey, 'session'), 'session', login, now), {
    ok: false,
    reason: 'the token is not signed by this cluster',
  });
  t.notDeepEqual(tokenKey(dataKey, 'login'), tokenKey(dataKey, 'session'));
});

test('a tampered token is refused: payload, MAC or shape', (t) => {
  const key = tokenKey(dataKey, 'session');
  const token = signToken(key, 'session', now + 1000);
  const [body, mac] = token.split('.') as [string, string];
  const later = Buffer.from(
    JSON.stringify({
      ...JSON.parse(Buffer.from(body, 'base64url').toString()),
      exp: now + 10 * SESSION_TTL_MS,
    }),
  ).toString('base64url');
  t.false(verifyToken(key, 'session', `${later}.${mac}`, now).ok);
  const flipped = Buffer.from(mac, 'base64url');
  flipped[0]! ^= 1;
  t.false(verifyToken(key, 'session', `${body}.${flipped.toString('base64url')}`, now).ok);
  for (const bad of ['', 'abc', `${body}.`, `${token}.x`, `${body}.${mac.slice(2)}`]) {
    t.false(verifyToken(key, 'session', bad, now).ok, bad);
  }
});

test('a token signed for one kind but naming another is refused', (t) => {
  const key = tokenKey(dataKey, 'login');
  // Signed with the login key, claiming to be a session: the kind in the payload is checked too.
  const token = signToken(key, 'session', now + 1000);
  t.deepEqual(verifyToken(key, 'login', token, now), { ok: false, reason: 'not a login token' });
});
