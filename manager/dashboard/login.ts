/**
 * Where a manager serves its dashboard, and the sign-in links `cluster dashboard login`
 * prints (the Control API's DashboardLogin, served on the manager called: it takes the local
 * socket or an admin certificate, as every Control call).
 */
import { invalidArgument } from '../../lib/errors.js';
import type { DashboardLogin } from '../../proto/gen/flotilla/DashboardLogin.js';
import type { DashboardLoginRequest } from '../../proto/gen/flotilla/DashboardLoginRequest.js';
import type { Keyring } from '../keys/keyring.js';
import type { Store } from '../store/types.js';
import { DEFAULT_LOGIN_TTL_MS, MAX_LOGIN_TTL_MS, signToken, tokenKey } from './tokens.js';

export const DEFAULT_DASHBOARD_PORT = 4280;

// host:port with IPv6 hosts in brackets, as worker/addr.ts reads them (which the manager may not import).
export function splitHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(addr.slice(i + 1)) };
}
export const joinHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
const hostOf = (addr: string) => splitHostPort(addr).host;

/**
 * Where a manager serves its dashboard: `configured` (from its identity; "" for nowhere), else
 * its advertised address's host at the default port.
 */
export function dashboardAddress(configured: string | undefined, advertise: string): string | undefined {
  if (configured === '') return undefined;
  return configured ?? joinHostPort(hostOf(advertise), DEFAULT_DASHBOARD_PORT);
}

export interface LoginContext {
  store: Store;
  keys: Keyring;
  /** The advertised address of the manager called. */
  addr: string;
  /** Its configured dashboard address (undefined: the default; "": none). */
  configured: string | undefined;
  now: number;
}

/**
 * A sign-in token, and links to it: first at the manager called, then at the other managers
 * when this one serves at the default place (their own setting is not in the store, and the
 * default is what they use unless told otherwise).
 */
export function dashboardLogin(req: DashboardLoginRequest, ctx: LoginContext): DashboardLogin {
  const ttlMs = req.ttlSeconds ? req.ttlSeconds * 1000 : DEFAULT_LOGIN_TTL_MS;
  if (ttlMs > MAX_LOGIN_TTL_MS) {
    throw invalidArgument('ttl', `at most ${MAX_LOGIN_TTL_MS / 3600_000}h`, `${req.ttlSeconds}s`);
  }
  const { dataKey, managers } = ctx.store.view((tx) => ({
    dataKey: ctx.keys.dataKey(tx),
    managers: tx
      .all('nodes')
      .filter((n) => n.role === 'MANAGER' && n.managerStatus?.addr)
      .map((n) => n.managerStatus!.addr),
  }));
  const expiresAt = ctx.now + ttlMs;
  const token = signToken(tokenKey(dataKey, 'login'), 'login', expiresAt);
  const own = reachable(dashboardAddress(ctx.configured, ctx.addr), ctx.addr);
  const others =
    ctx.configured === undefined
      ? managers.filter((a) => a !== ctx.addr).map((a) => dashboardAddress(undefined, a)!)
      : [];
  const urls = [...(own ? [own] : []), ...others].map(
    (addr) => `https://${addr}/login?token=${encodeURIComponent(token)}`,
  );
  return { token, expiresAt, urls };
}

/** A dashboard bound to a wildcard is reached at the manager's advertised host. */
function reachable(addr: string | undefined, advertise: string): string | undefined {
  if (!addr) return undefined;
  const { host, port } = splitHostPort(addr);
  return host === '0.0.0.0' || host === '::' ? joinHostPort(hostOf(advertise), port) : addr;
}
