/**
 * What the node serves to containers that have their own network: on the bridge's gateway
 * address (the node's address as those containers see it) a resolver on port 53, UDP and
 * TCP, which their /etc/resolv.conf names, fed the same endpoint table as the node's own.
 * (The routing mesh's published ports are there too: the node's mesh also listens on the
 * gateway, see worker/mesh/node-network.ts.) The resolver answers the cluster's names (a
 * service's name is the gateway, where this mesh listens; tasks.NAME the tasks' addresses;
 * on an overlay network the asking container is on, the addresses of the service's tasks
 * there) and forwards every other query to the node's own nameserver, over the transport
 * it came by, so that containers still resolve names outside the cluster.
 */
import { readFile } from 'node:fs/promises';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { EndpointChanges } from '../proto/gen/flotilla/EndpointChanges.js';
import { Resolver } from './mesh/dns.js';

const DNS_PORT = 53;

export class BridgeServices {
  private readonly resolver: Resolver;

  private constructor(
    readonly gateway: string,
    log: Logger,
  ) {
    this.resolver = new Resolver(gateway, gateway, log);
  }

  /** Starts the resolver on gateway:53, UDP and TCP (a warning, not a failure, if it cannot listen). */
  static async start(
    gateway: string,
    networksOf: (ip: string) => readonly string[],
    log: Logger,
  ): Promise<BridgeServices> {
    const services = new BridgeServices(gateway, log);
    const nameserver = await hostNameserver();
    const upstream = nameserver ? { host: nameserver, port: DNS_PORT } : undefined;
    try {
      await services.resolver.listen(DNS_PORT, { tcp: true, upstream, networksOf });
      log.info(
        { dns: `${gateway}:${DNS_PORT}`, nameserver },
        'resolver for containers listening (udp and tcp)',
      );
    } catch (err) {
      log.warn(
        { err: describeError(err) },
        `the resolver for containers cannot listen on udp and tcp ${gateway}:${DNS_PORT}; containers on this node cannot resolve service names`,
      );
    }
    return services;
  }

  apply(changes: EndpointChanges): void {
    this.resolver.apply(changes);
  }

  close(): void {
    this.resolver.close();
  }
}

/** The first nameserver of the node's /etc/resolv.conf. */
async function hostNameserver(): Promise<string | undefined> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  return /^\s*nameserver\s+(\S+)/m.exec(text)?.[1];
}
