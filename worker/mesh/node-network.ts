/**
 * What a node serves of the cluster's network: the routing mesh and the resolver, both on
 * the node's own address (the host part of its --listen address), both fed the endpoint
 * table the managers send. The resolver takes the UDP port of the same number as the node's
 * TCP listen port (4240 by default), so each node's is found without asking.
 */
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { EndpointTable } from '../../proto/gen/flotilla/EndpointTable.js';
import { splitHostPort } from '../addr.js';
import { Resolver } from './dns.js';
import { Mesh } from './mesh.js';

export class NodeNetwork {
  readonly mesh: Mesh;
  private readonly resolver: Resolver;
  /** udp host:port of the resolver; empty when it could not start. */
  dnsAddr = '';

  private constructor(
    listen: string,
    private readonly log: Logger,
  ) {
    const { host } = splitHostPort(listen);
    this.mesh = new Mesh(host, log);
    this.resolver = new Resolver(host, log);
  }

  static async start(listen: string, log: Logger): Promise<NodeNetwork> {
    const net = new NodeNetwork(listen, log);
    try {
      net.dnsAddr = await net.resolver.listen(splitHostPort(listen).port);
      log.info({ dns: net.dnsAddr }, 'service discovery resolver listening (udp)');
    } catch (err) {
      log.warn(
        { err: describeError(err) },
        `the resolver cannot listen on udp ${listen}; service discovery by DNS is off on this node until it restarts`,
      );
    }
    return net;
  }

  /** The environment every task of the node gets: where its resolver is. */
  taskEnv(): Record<string, string> {
    return this.dnsAddr ? { FLOTILLA_DNS: this.dnsAddr } : {};
  }

  apply(table: EndpointTable): void {
    this.resolver.apply(table);
    this.mesh
      .apply(table)
      .catch((err: unknown) =>
        this.log.warn({ err: describeError(err) }, 'the mesh cannot apply the endpoints'),
      );
  }

  async close(): Promise<void> {
    this.resolver.close();
    await this.mesh.close();
  }
}
