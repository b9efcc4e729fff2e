/**
 * Where a task listens. A runtime that gives each container its own network reports the
 * container's addresses itself (ContainerSummary.addresses); a task that shares the node's
 * network (the process driver) gets host ports picked here, on the node's own address, and
 * learns them from its environment: PORT (its first target), PORT_<target> for each, and
 * FLOTILLA_TASK_ADDR (host:PORT). The worker picks them, not the managers, because only the
 * node knows which of its ports are free (other programs hold ports too); the task's status
 * then tells the managers, and through them every node's mesh.
 *
 * A host-mode published port is the task's own: it gets that port and serves it directly.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { PortConfig } from '../proto/gen/flotilla/PortConfig.js';
import type { PortProtocol } from '../proto/gen/flotilla/PortProtocol.js';
import type { TaskPort } from '../proto/gen/flotilla/TaskPort.js';
import { taskTargets } from '../proto/ports.js';
import type { PortMapping } from '../runtime/driver.js';
import { joinHostPort, splitHostPort } from './addr.js';

/** A port free for TCP (and UDP when asked) on `host` now: the kernel picks, we check UDP too. */
async function freePort(host: string, udp: boolean): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as { port: number }).port));
    });
    const udpFree = !udp || (await udpBindable(host, port));
    await new Promise((r) => server.close(r));
    if (udpFree || attempt >= 20) return port;
  }
}

function udpBindable(host: string, port: number): Promise<boolean> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** The task's addresses on the node at `host`, one per target port and protocol. */
export async function pickTaskPorts(host: string, ports: readonly PortConfig[]): Promise<TaskPort[]> {
  const out: TaskPort[] = [];
  for (const { target, protocols } of taskTargets(ports)) {
    const hostMode = ports.find((p) => p.targetPort === target && p.mode === 'HOST');
    const port = hostMode ? hostMode.publishedPort : await freePort(host, protocols.includes('UDP'));
    for (const protocol of protocols)
      out.push({ targetPort: target, protocol, addr: joinHostPort(host, port) });
  }
  return out;
}

/** The environment that tells a task its ports (see the top of this file). */
export function portEnv(ports: readonly TaskPort[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of ports) {
    const port = String(splitHostPort(p.addr).port);
    if (!env.PORT) {
      env.PORT = port;
      env.FLOTILLA_TASK_ADDR = p.addr;
    }
    env[`PORT_${p.targetPort}`] = port;
  }
  return env;
}

/**
 * The host-mode published ports of a task whose container has its own network: the runtime
 * forwards them from the node's address (all of its addresses for a wildcard --listen).
 */
export function hostForwards(host: string, ports: readonly PortConfig[]): PortMapping[] {
  const hostIp = host === '0.0.0.0' || host === '::' ? '' : host;
  return ports
    .filter((p) => p.mode === 'HOST')
    .map((p) => ({
      hostIp,
      hostPort: p.publishedPort,
      containerPort: p.targetPort,
      protocol: p.protocol === 'UDP' ? 'udp' : 'tcp',
    }));
}

/** The addresses a runtime reported (target port -> host:port), as task ports. */
export function reportedPorts(
  reported: Readonly<Record<number, string>>,
  ports: readonly PortConfig[],
): TaskPort[] {
  return taskTargets(ports).flatMap(({ target, protocols }) => {
    const addr = reported[target];
    return addr ? protocols.map((protocol: PortProtocol) => ({ targetPort: target, protocol, addr })) : [];
  });
}

/**
 * FLOTILLA_SERVICE_ADDR: where the task's own service answers through the mesh of the node
 * it runs on (the node's address and the service's first ingress port), the address to hand
 * to peers or clients.
 */
export function serviceAddrEnv(host: string, ports: readonly PortConfig[]): Record<string, string> {
  const ingress = ports.find((p) => p.mode === 'INGRESS');
  return ingress ? { FLOTILLA_SERVICE_ADDR: joinHostPort(host, ingress.publishedPort) } : {};
}
