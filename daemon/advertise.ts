/**
 * The address a node gives the others to dial (`--advertise-addr`), apart from what it
 * binds (`--listen`). Never a wildcard: an address, or an interface's address; a `--listen`
 * that names one address is advertised as it is; the wildcard default falls back to what
 * the caller knows (the default route's interface at init, the address that reached the
 * manager at join).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { FlotillaError, invalidArgument } from '../lib/errors.js';

export const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

function split(addr: string): { host: string; port: string } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: addr.slice(i + 1) };
}

const join = (host: string, port: string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * What the node advertises: `advertise` (IP, IP:PORT, interface or interface:PORT; the port
 * defaults to the listen port), else `listen` unless it is the wildcard, else `fallback()`'s host.
 */
export function advertisedAddress(
  listen: string,
  advertise: string | undefined,
  fallback: () => string,
): string {
  const bound = split(listen);
  if (advertise === undefined) return isWildcard(bound.host) ? join(fallback(), bound.port) : listen;
  const { host, port } = isIP(advertise)
    ? { host: advertise, port: bound.port }
    : withPort(advertise, bound.port);
  const ip = isIP(host) ? host : interfaceAddress(host, '--advertise-addr');
  if (isWildcard(ip))
    throw invalidArgument('--advertise-addr', 'an address others can dial, not a wildcard', advertise);
  return join(ip, port);
}

/** `--data-path-addr`: an IP, or an interface's; where the node's overlay traffic arrives. */
export function dataPathAddress(value: string): string {
  const ip = isIP(value) ? value : interfaceAddress(value, '--data-path-addr');
  if (isWildcard(ip))
    throw invalidArgument('--data-path-addr', 'an address others can reach, not a wildcard', value);
  return ip;
}

function withPort(value: string, defaultPort: string): { host: string; port: string } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) throw invalidArgument('--advertise-addr', 'an address or interface, with an optional :PORT', value);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ?? defaultPort };
}

/** The first IPv4 address of interface `name` (else its first address). */
export function interfaceAddress(name: string, flag: string): string {
  const all = networkInterfaces();
  const addrs = all[name];
  if (!addrs?.length) {
    throw invalidArgument(
      flag,
      `an address or an interface of this machine (${Object.keys(all).join(', ')})`,
      name,
    );
  }
  return (addrs.find((a) => a.family === 'IPv4') ?? addrs[0]!).address;
}

/** The address of the interface the default route leaves by: what others most likely reach. */
export function defaultRouteAddress(): string {
  const routes = readFileSync('/proc/net/route', 'utf8').split('\n').slice(1);
  const iface = routes.map((l) => l.trim().split(/\s+/)).find((f) => f[1] === '00000000')?.[0];
  if (!iface) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      'this machine has no default route to take its address from: give --advertise-addr (an address or an interface) or --listen ADDR:PORT',
    );
  }
  return interfaceAddress(iface, 'the default route interface');
}
