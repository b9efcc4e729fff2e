/**
 * The dashboard's credentials: a sign-in token (`cluster dashboard login`, minutes) and the
 * session cookie it is exchanged for (hours). Both are `<payload>.<mac>` in base64url, the
 * payload JSON with its kind and expiry, the MAC an HMAC-SHA256 under a key derived (HKDF)
 * from the cluster's data key, one key per kind: any manager checks them without a store
 * write, a sign-in token is never taken as a session (nor the other way), and nothing is
 * valid in another cluster.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'login' | 'session';

export const DEFAULT_LOGIN_TTL_MS = 5 * 60_000;
export const MAX_LOGIN_TTL_MS = 24 * 3600_000;
export const SESSION_TTL_MS = 12 * 3600_000;

/** The HMAC key of one kind of token, from the cluster's data key. */
export function tokenKey(dataKey: Buffer, kind: TokenKind): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, 'flotilla dashboard', `dashboard ${kind} token`, 32));
}

interface Payload {
  kind: TokenKind;
  /** Expiry, epoch milliseconds. */
  exp: number;
  /** Makes each token distinct; checked by nothing. */
  nonce: string;
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function signToken(key: Buffer, kind: TokenKind, expiresAt: number): string {
  const payload: Payload = { kind, exp: expiresAt, nonce: randomBytes(9).toString('base64url') };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

export type Verdict = { ok: true; expiresAt: number } | { ok: false; reason: string };

/** Checks a token of `kind` against `key` at time `now`. */
export function verifyToken(key: Buffer, kind: TokenKind, token: string, now: number): Verdict {
  const [body, given, extra] = token.split('.');
  if (!body || !given || extra !== undefined) return { ok: false, reason: 'malformed token' };
  const expected = mac(key, body);
  const got = Buffer.from(given, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    return { ok: false, reason: 'the token is not signed by this cluster' };
  }
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (payload.kind !== kind) return { ok: false, reason: `not a ${kind} token` };
  if (typeof payload.exp !== 'number' || payload.exp <= now)
    return { ok: false, reason: 'the token expired' };
  return { ok: true, expiresAt: payload.exp };
}
