/** host:port addresses as the worker handles them (IPv6 hosts in brackets). */

export function splitHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(addr.slice(i + 1)) };
}

/** The host part of a host:port address ("[::1]:4240" -> "::1"). */
export function hostOf(addr: string): string {
  return splitHostPort(addr).host;
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
