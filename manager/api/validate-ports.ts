/** Checks a service's published ports, naming the CLI flags. */
import { invalidArgument } from '../../lib/errors.js';
import type { EndpointSpec } from '../../proto/gen/flotilla/EndpointSpec.js';
import { portName } from '../../proto/ports.js';

const PORT = 'a port from 1 to 65535';
const isPort = (n: number, min = 1) => Number.isInteger(n) && n >= min && n <= 65_535;

export function validateEndpoint(endpoint: EndpointSpec | null | undefined): void {
  if (!endpoint) return;
  if (endpoint.lb !== 'ROUND_ROBIN' && endpoint.lb !== 'LEAST_CONN')
    throw invalidArgument('load balancing (--lb)', 'round-robin or least-conn', endpoint.lb);
  const mesh = endpoint.mesh ?? 'MESH_AUTO';
  if (mesh !== 'MESH_AUTO' && mesh !== 'MESH_KERNEL' && mesh !== 'MESH_USERSPACE')
    throw invalidArgument('mesh path (--mesh)', 'auto, kernel or userspace', mesh);
  // The kernel path picks a task per connection by a counter or at random, and passes bytes untouched.
  if (mesh === 'MESH_KERNEL' && endpoint.lb === 'LEAST_CONN')
    throw invalidArgument(
      'mesh path (--mesh)',
      'auto or userspace with --lb least-conn (the kernel path balances round-robin only)',
      'kernel',
    );
  if (mesh === 'MESH_KERNEL' && endpoint.proxyProtocol)
    throw invalidArgument(
      'mesh path (--mesh)',
      'auto or userspace with --proxy-protocol (the kernel path cannot add a header)',
      'kernel',
    );
  const seen = new Set<string>();
  for (const p of endpoint.ports) {
    if (!isPort(p.targetPort)) throw invalidArgument('target port (--publish target=)', PORT, p.targetPort);
    if (!isPort(p.publishedPort, 0))
      throw invalidArgument(
        'published port (--publish published=)',
        `${PORT}, or 0 to pick one`,
        p.publishedPort,
      );
    if (p.protocol !== 'TCP' && p.protocol !== 'UDP')
      throw invalidArgument('protocol (--publish protocol=)', 'tcp or udp', p.protocol);
    if (p.mode !== 'INGRESS' && p.mode !== 'HOST')
      throw invalidArgument('publish mode (--publish mode=)', 'ingress or host', p.mode);
    const key = p.publishedPort
      ? portName(p.publishedPort, p.protocol)
      : `target ${portName(p.targetPort, p.protocol)}`;
    if (seen.has(key)) throw invalidArgument('published ports (--publish)', 'each port once', key);
    seen.add(key);
  }
}
