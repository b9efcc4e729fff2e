/**
 * Who may use the dashboard, decided per request: a session (the cookie a sign-in link
 * gave), or an admin client certificate of this cluster that the browser presented (not of
 * a removed node). Requests that change state must also come from the dashboard's own
 * origin: a session's must carry a matching Origin header; a certificate holder's may omit
 * it (curl and scripts send none; browsers always send it on cross-site POSTs).
 */
import type { CertSubject } from '../../lib/pki.js';
import { verifyToken } from './tokens.js';

// __Host-: browsers keep it only from HTTPS, for this host and path /, set by no other domain.
export const SESSION_COOKIE = '__Host-flotilla_dashboard';

export interface RequestFacts {
  method: string;
  /** The Cookie header. */
  cookie: string | undefined;
  origin: string | undefined;
  /** The Host header: the origin the page was loaded from is https://<host>. */
  host: string | undefined;
  /** The client certificate's subject, when TLS verified it against the cluster's roots. */
  cert: CertSubject | undefined;
}

export interface AuthContext {
  clusterId: string;
  /** The session cookie's key (throws while this manager cannot open the data key). */
  sessionKey: () => Buffer;
  revoked: (nodeId: string) => boolean;
  now: number;
}

export type Decision =
  { ok: true; who: 'session' | 'admin certificate' } | { ok: false; status: 401 | 403; message: string };

export const SIGN_IN_HINT =
  'sign in with the link `cluster dashboard login` prints (run it on a manager), or present an admin client certificate (`cluster ca issue-client`)';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function authorize(req: RequestFacts, ctx: AuthContext): Decision {
  const who = identify(req, ctx);
  if (!who.ok || SAFE_METHODS.has(req.method)) return who;
  const own = req.host ? `https://${req.host}` : undefined;
  if (req.origin === undefined && who.who === 'admin certificate') return who;
  if (req.origin === undefined || req.origin !== own) {
    return {
      ok: false,
      status: 403,
      message: `changes are taken only from the dashboard's own page (Origin ${own ?? '(no Host header)'}), not from ${req.origin ?? 'a request without an Origin header'}`,
    };
  }
  return who;
}

function identify(req: RequestFacts, ctx: AuthContext): Decision {
  const cert = req.cert;
  if (cert?.role === 'admin' && cert.clusterId === ctx.clusterId) {
    if (ctx.revoked(cert.id)) {
      return { ok: false, status: 403, message: `certificate ${cert.id} was removed from the cluster` };
    }
    return { ok: true, who: 'admin certificate' };
  }
  const session = cookieValue(req.cookie, SESSION_COOKIE);
  if (!session) return { ok: false, status: 401, message: `not signed in: ${SIGN_IN_HINT}` };
  let key: Buffer;
  try {
    key = ctx.sessionKey();
  } catch (err) {
    return {
      ok: false,
      status: 401,
      message: `this manager cannot check sessions now (${(err as Error).message})`,
    };
  }
  const verdict = verifyToken(key, 'session', session, ctx.now);
  if (!verdict.ok)
    return { ok: false, status: 401, message: `session refused: ${verdict.reason}; ${SIGN_IN_HINT}` };
  return { ok: true, who: 'session' };
}
