/**
 * What the node serves to containers that have their own network: on the bridge's gateway
 * address (the node's address as those containers see it) a resolver on port 53, which
 * their /etc/resolv.conf names, fed the same endpoint table as the node's own. (The routing
 * mesh's published ports are there too: the node's mesh also listens on the gateway, see
 * worker/mesh/node-network.ts.) The resolver answers the
 * cluster's names (a service's name is the gateway, where this mesh listens; tasks.NAME the
 * tasks' addresses; on an overlay network the asking container is on, the addresses of the
 * service's tasks there) and forwards every other query to the node's own nameserver, so that
 * containers still resolve names outside the cluster.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { EndpointChanges } from '../proto/gen/flotilla/EndpointChanges.js';
import { Resolver } from './mesh/dns.js';

const DNS_PORT = 53;
const FORWARD_TIMEOUT_MS = 5_000;
const RCODE_NXDOMAIN = 3;

export class BridgeServices {
  private readonly resolver: Resolver;
  private socket: Socket | undefined;

  private constructor(
    readonly gateway: string,
    private readonly upstream: string | undefined,
    /** The overlay networks (ids) of the container with this address: their names come first. */
    private readonly networksOf: (ip: string) => readonly string[],
    private readonly log: Logger,
  ) {
    this.resolver = new Resolver(gateway, gateway, log);
  }

  /** Starts the resolver on gateway:53 (a warning, not a failure, if it cannot listen). */
  static async start(
    gateway: string,
    networksOf: (ip: string) => readonly string[],
    log: Logger,
  ): Promise<BridgeServices> {
    const services = new BridgeServices(gateway, await hostNameserver(), networksOf, log);
    try {
      await services.listen();
      log.info({ dns: `${gateway}:${DNS_PORT}` }, 'resolver for containers listening (udp)');
    } catch (err) {
      log.warn(
        { err: describeError(err) },
        `the resolver for containers cannot listen on udp ${gateway}:${DNS_PORT}; containers on this node cannot resolve service names`,
      );
    }
    return services;
  }

  apply(changes: EndpointChanges): void {
    this.resolver.apply(changes);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private async listen(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => {
      const reply = this.resolver.answer(msg, this.networksOf(from.address));
      if (!reply) return;
      if ((reply[3]! & 0x0f) === RCODE_NXDOMAIN && this.upstream) {
        this.forward(msg).then(
          (answer) => socket.send(answer ?? reply, from.port, from.address),
          () => socket.send(reply, from.port, from.address),
        );
        return;
      }
      socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(DNS_PORT, this.gateway, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.log.warn({ err: err.message }, 'container resolver error'));
        resolve();
      });
    });
    this.socket = socket;
  }

  /** The node's nameserver's answer to a query for a name outside the cluster. */
  private forward(query: Buffer): Promise<Buffer | undefined> {
    const socket = createSocket(this.upstream!.includes(':') ? 'udp6' : 'udp4');
    return new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), FORWARD_TIMEOUT_MS);
      socket.once('error', () => resolve(undefined));
      socket.once('message', (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      socket.send(query, DNS_PORT, this.upstream!);
    }).finally(() => socket.close());
  }
}

/** The first nameserver of the node's /etc/resolv.conf. */
async function hostNameserver(): Promise<string | undefined> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  return /^\s*nameserver\s+(\S+)/m.exec(text)?.[1];
}
