/**
 * Published ports, reserved cluster-wide. A service's reservation is its `endpoint`: the
 * ports of its spec with every published port filled in, written in the same transaction
 * as the service itself, so a removed service frees its ports and a changed one frees what
 * it no longer publishes. A port is taken when another service publishes it in ingress mode
 * (every node's mesh listens on it) or when either side is ingress; two host-mode services
 * may share a port, since the scheduler keeps their tasks on different nodes.
 */
import { FlotillaError } from '../../lib/errors.js';
import type { Endpoint } from '../../proto/gen/flotilla/Endpoint.js';
import type { EndpointSpec } from '../../proto/gen/flotilla/EndpointSpec.js';
import type { PortConfig } from '../../proto/gen/flotilla/PortConfig.js';
import { DYNAMIC_PORTS, portName } from '../../proto/ports.js';
import type { WriteTx } from '../store/types.js';

interface Holder {
  service: string;
  mode: PortConfig['mode'];
}

/**
 * The endpoint to store for service `serviceId` whose spec asks for `spec`; `current` is
 * what it holds now (a port left to the allocator keeps the one it was given). Throws
 * CONFLICT naming the port and the service that holds it; nothing is written then.
 */
export function reservePorts(
  tx: WriteTx,
  serviceId: string,
  spec: EndpointSpec | null | undefined,
  current?: Endpoint | null,
): Endpoint | undefined {
  if (!spec || spec.ports.length === 0) return undefined;
  const held = new Map<string, Holder>();
  for (const s of tx.all('services')) {
    if (s.id === serviceId) continue;
    for (const p of s.endpoint?.ports ?? [])
      held.set(portName(p.publishedPort, p.protocol), { service: s.spec?.name ?? s.id, mode: p.mode });
  }
  const mine = new Set<string>();
  const ports = spec.ports.map((p): PortConfig => {
    let published = p.publishedPort;
    if (!published) {
      const kept = current?.ports.find(
        (c) => c.targetPort === p.targetPort && c.protocol === p.protocol && c.mode === p.mode,
      );
      published = kept && !takenFor(p, kept.publishedPort) ? kept.publishedPort : pick(p);
    } else {
      const holder = held.get(portName(published, p.protocol));
      if (holder && (holder.mode === 'INGRESS' || p.mode === 'INGRESS')) {
        throw new FlotillaError(
          'CONFLICT',
          `published port ${portName(published, p.protocol)} is already in use by service ${JSON.stringify(holder.service)}; pick another port or leave it out to get one from ${DYNAMIC_PORTS.first}-${DYNAMIC_PORTS.last}`,
        );
      }
    }
    mine.add(portName(published, p.protocol));
    return { ...p, publishedPort: published };
  });
  // Touching the cluster object makes concurrent reservations conflict (optimistic
  // concurrency on its version) instead of both taking the same port.
  const cluster = tx.all('clusters')[0];
  if (cluster) tx.update('clusters', cluster);
  return { ports };

  function takenFor(p: PortConfig, port: number): boolean {
    return held.has(portName(port, p.protocol)) || mine.has(portName(port, p.protocol));
  }

  function pick(p: PortConfig): number {
    for (let port = DYNAMIC_PORTS.first; port <= DYNAMIC_PORTS.last; port++) {
      if (
        !takenFor(p, port) &&
        !spec?.ports.some((o) => o.publishedPort === port && o.protocol === p.protocol)
      )
        return port;
    }
    throw new FlotillaError(
      'CONFLICT',
      `no free port left in ${DYNAMIC_PORTS.first}-${DYNAMIC_PORTS.last} for target ${portName(p.targetPort, p.protocol)}; remove services or publish a port explicitly`,
    );
  }
}
