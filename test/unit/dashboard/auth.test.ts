import test from 'ava';
import { randomBytes } from 'node:crypto';
import {
  authorize,
  cookieValue,
  SESSION_COOKIE,
  type RequestFacts,
} from '../../../manager/dashboard/auth.js';
import { SESSION_TTL_MS, signToken, tokenKey } from '../../../manager/dashboard/tokens.js';

const now = 1_800_000_000_000;
const key = tokenKey(randomBytes(32), 'session');
const session = signToken(key, 'session', now + SESSION_TTL_MS);
const ctx = { clusterId: 'c1', sessionKey: () => key, revoked: (id: string) => id === 'gone', now };
const host = 'manager-1:4280';
const req = (facts: Partial<RequestFacts>): RequestFacts => ({
  method: 'GET',
  cookie: undefined,
  origin: undefined,
  host,
  cert: undefined,
  ...facts,
});
const withSession = `theme=dark; ${SESSION_COOKIE}=${session}`;
const admin = { id: 'a1', role: 'admin' as const, clusterId: 'c1' };

test('cookies are found by name', (t) => {
  t.is(cookieValue(withSession, SESSION_COOKIE), session);
  t.is(cookieValue('a=1;b=2', 'b'), '2');
  t.is(cookieValue(undefined, 'b'), undefined);
  t.is(cookieValue('ab=1', 'b'), undefined);
});

test('reads take a valid session or an admin certificate of this cluster', (t) => {
  t.deepEqual(authorize(req({ cookie: withSession }), ctx), { ok: true, who: 'session' });
  t.deepEqual(authorize(req({ cert: admin }), ctx), { ok: true, who: 'admin certificate' });
  const none = authorize(req({}), ctx);
  t.like(none, { ok: false, status: 401 });
  t.regex((none as { message: string }).message, /cluster dashboard login/);
  t.like(authorize(req({ cookie: withSession }), { ...ctx, now: now + SESSION_TTL_MS }), {
    ok: false,
    status: 401,
  });
  t.like(authorize(req({ cookie: `${SESSION_COOKIE}=${session.slice(0, -2)}xx` }), ctx), {
    ok: false,
    status: 401,
  });
});

test("node certificates, other clusters' and removed ones are not admins", (t) => {
  t.like(authorize(req({ cert: { ...admin, role: 'manager' } }), ctx), { ok: false, status: 401 });
  t.like(authorize(req({ cert: { ...admin, clusterId: 'c2' } }), ctx), { ok: false, status: 401 });
  t.like(authorize(req({ cert: { ...admin, id: 'gone' } }), ctx), { ok: false, status: 403 });
});

test("changes need the dashboard's own origin; a certificate holder may send none", (t) => {
  const post = (facts: Partial<RequestFacts>) => authorize(req({ method: 'POST', ...facts }), ctx);
  t.deepEqual(post({ cookie: withSession, origin: `https://${host}` }), { ok: true, who: 'session' });
  t.like(post({ cookie: withSession }), { ok: false, status: 403 });
  t.like(post({ cookie: withSession, origin: 'https://elsewhere.example' }), { ok: false, status: 403 });
  t.like(post({ cookie: withSession, origin: `http://${host}` }), { ok: false, status: 403 });
  t.deepEqual(post({ cert: admin }), { ok: true, who: 'admin certificate' });
  t.like(post({ cert: admin, origin: 'https://elsewhere.example' }), { ok: false, status: 403 });
  t.like(post({ origin: `https://${host}` }), { ok: false, status: 401 });
});

test('without the data key (a manager still fetching it), sessions are refused, saying why', (t) => {
  const closed = {
    ...ctx,
    sessionKey: () => {
      throw new Error('this manager does not hold the cluster key yet');
    },
  };
  const d = authorize(req({ cookie: withSession }), closed);
  t.like(d, { ok: false, status: 401 });
  t.regex((d as { message: string }).message, /cluster key/);
});
