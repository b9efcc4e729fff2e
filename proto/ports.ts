/** What both sides of the wire agree on about published ports. */
import type { PortConfig } from './gen/flotilla/PortConfig.js';
import type { PortProtocol } from './gen/flotilla/PortProtocol.js';

/** The range the allocator picks published ports from when a spec leaves them out. */
export const DYNAMIC_PORTS = { first: 30_000, last: 32_767 } as const;

/** "8080/tcp": how people and error messages name a published port. */
export function portName(port: number, protocol: PortProtocol): string {
  return `${port}/${protocol.toLowerCase()}`;
}

/** "*:8080->80/tcp" (ingress) or "host:8080->80/tcp", as `service ls` shows a port. */
export function describePort(p: PortConfig): string {
  const where = p.mode === 'HOST' ? 'host' : '*';
  return `${where}:${p.publishedPort || '?'}->${portName(p.targetPort, p.protocol)}`;
}

/**
 * The distinct targets a task serves, each with its protocols: a task gets one address per
 * target port, which answers for TCP and UDP alike.
 */
export function taskTargets(ports: readonly PortConfig[]): { target: number; protocols: PortProtocol[] }[] {
  const byTarget = new Map<number, PortProtocol[]>();
  for (const p of ports) {
    const list = byTarget.get(p.targetPort) ?? [];
    if (!list.includes(p.protocol)) list.push(p.protocol);
    byTarget.set(p.targetPort, list);
  }
  return [...byTarget].map(([target, protocols]) => ({ target, protocols }));
}
