/**
 * What a node serves of the cluster's network: the routing mesh and the resolver, both on
 * what the node binds (the host part of its --listen address, maybe every address), both fed the endpoint
 * table the managers send. The resolver takes the UDP port of the same number as the node's
 * TCP listen port (4240 by default), so each node's is found without asking. When the node
 * runs containers on a bridge of their own, the mesh listens on the bridge's gateway too
 * (the node's address as those containers see it), unless the node listens on every address.
 * The mesh's kernel path is opened here when the node can have it (said in the log either way).
 */
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import { splitHostPort } from '../addr.js';
import { Resolver } from './dns.js';
import { Mesh } from './mesh.js';
import { KernelMesh } from './kernel-mesh.js';

export class NodeNetwork {
  readonly mesh: Mesh;
  private readonly resolver: Resolver;
  /** udp host:port of the resolver; empty when it could not start. */
  dnsAddr = '';

  private constructor(
    host: string,
    hosts: string[],
    advertise: string,
    kernel: KernelMesh | undefined,
    private readonly log: Logger,
  ) {
    this.mesh = new Mesh(hosts, log, undefined, kernel);
    this.resolver = new Resolver(host, splitHostPort(advertise).host, log);
  }

  /**
   * `listen`: what the mesh and resolver bind; `advertise`: the node's address as the others
   * and its tasks reach it; `gateway`: the container bridge's address on this node, if its
   * containers have their own network; `nodeId`: the node's, which tells its tasks from others'
   * (without it every task counts as another node's: masqueraded).
   */
  static async start(
    listen: string,
    advertise: string,
    gateway: string | undefined,
    log: Logger,
    nodeId = '',
  ): Promise<NodeNetwork> {
    const { host, port } = splitHostPort(listen);
    const wildcard = host === '0.0.0.0' || host === '::';
    const hosts = gateway && !wildcard && gateway !== host ? [host, gateway] : [host];
    const kernel = await KernelMesh.open({ hosts, port, nodeId }, log);
    if (typeof kernel === 'string')
      log.info(
        { reason: kernel },
        'mesh data path: userspace proxy for every service (no kernel path on this node)',
      );
    else
      log.info(
        { table: `inet ${kernel.table}` },
        'mesh data path: kernel (nftables DNAT) for published ports; the userspace proxy for least-conn, PROXY protocol and --mesh userspace',
      );
    const net = new NodeNetwork(host, hosts, advertise, typeof kernel === 'string' ? undefined : kernel, log);
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

  /** Takes a change to the endpoint table the managers sent. */
  apply(changes: EndpointChanges): void {
    this.resolver.apply(changes);
    this.mesh
      .apply(changes)
      .catch((err: unknown) =>
        this.log.warn({ err: describeError(err) }, 'the mesh cannot apply the endpoints'),
      );
  }

  async close(): Promise<void> {
    this.resolver.close();
    await this.mesh.close();
  }
}
