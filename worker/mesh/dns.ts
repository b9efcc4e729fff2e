/**
 * The node's service-discovery resolver: the cluster's names, kept from the endpoint table
 * (kept up to date from the changes the managers send: a change rebuilds the names of the
 * services it touches, not all), served by a DNS server on the node's own address
 * (worker/dns/). `NAME` (a service with ingress ports) is this node's address, where the
 * mesh balances its published ports; for a service published only in host mode it is the
 * hosts of its tasks. `tasks.NAME` is the hosts of the service's running tasks (A, AAAA),
 * and each task's port (SRV, with the task as `TASKID.tasks.NAME` and its address
 * alongside). A container on an overlay network (the asker's networks come with the query)
 * finds the services of that network first: `NAME` and `tasks.NAME` are then the addresses
 * of their running tasks on it. Other names get NXDOMAIN, or go on to an upstream
 * nameserver when the listener has one.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Logger } from '../../lib/log.js';
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import { splitHostPort } from '../addr.js';
import type { NameRecords, SrvTarget } from '../dns/message.js';
import type { Upstream } from '../dns/forward.js';
import { DnsServer } from '../dns/server.js';

export interface ListenOptions {
  /** Serve TCP on the same port too: not for the node's own resolver, whose number is the node's gRPC port on TCP. */
  tcp?: boolean;
  /** Where names outside the cluster are asked. */
  upstream?: Upstream;
  /** The overlay networks (ids) of the container with this address: their names come first. */
  networksOf?: (ip: string) => readonly string[];
}

export class Resolver {
  private readonly names = new Map<string, NameRecords>();
  /** Per overlay network id, the names of the services on it. */
  private readonly networkNames = new Map<string, Map<string, NameRecords>>();
  /** Each service's (by id) name, the names it has records under, and the networks it has them on. */
  private readonly namesOf = new Map<string, { name: string; names: string[]; networks: string[] }>();
  private server: DnsServer | undefined;

  /** `host`: what it binds (maybe every address); `own`: the node's address, which NAME answers. */
  constructor(
    private readonly host: string,
    private readonly own: string,
    private readonly log: Logger,
  ) {}

  /** Serves on `port` (0: any free one); resolves to the node's address and the port. */
  async listen(port: number, options: ListenOptions = {}): Promise<string> {
    const networksOf = options.networksOf ?? (() => []);
    const server = new DnsServer({
      lookup: (name, client) => this.lookup(name, networksOf(client)),
      upstream: options.upstream,
      log: this.log,
    });
    const bound = await server.listen(this.host, port, options.tcp ?? false);
    this.server = server;
    return `${this.own}:${bound}`;
  }

  apply(changes: EndpointChanges): void {
    if (changes.full) {
      this.names.clear();
      this.networkNames.clear();
      this.namesOf.clear();
    }
    for (const id of changes.removedServiceIds) this.forget(id);
    for (const s of changes.services) {
      this.forget(s.serviceId);
      this.add(s);
    }
  }

  private add(s: ServiceEndpoints): void {
    const name = s.serviceName.toLowerCase();
    const srv: SrvTarget[] = s.tasks.flatMap((t) => {
      const first = t.ports[0];
      return first ? [{ name: `${t.taskId}.tasks.${name}`, ...splitHostPort(first.addr) }] : [];
    });
    const names: string[] = [];
    if (s.ports.length > 0) {
      const hosts = addresses([...new Set(srv.map((t) => t.host))]);
      // The mesh listens on the node's address: NAME is that address, in its own family.
      const ingress = s.ports.some((p) => p.mode === 'INGRESS');
      this.names.set(name, {
        a: ingress && isIPv4(this.own) ? [this.own] : hosts.a,
        aaaa: ingress ? (isIPv6(this.own) ? [this.own] : []) : hosts.aaaa,
        srv: [],
      });
      this.names.set(`tasks.${name}`, { ...hosts, srv });
      for (const t of srv) this.names.set(t.name, addresses([t.host]));
      names.push(name, `tasks.${name}`, ...srv.map((t) => t.name));
    }
    const byNetwork = new Map<string, string[]>();
    for (const t of s.tasks) {
      for (const [network, addr] of Object.entries(t.networkAddrs)) {
        byNetwork.set(network, [...(byNetwork.get(network) ?? []), addr]);
      }
    }
    for (const [network, addrs] of byNetwork) {
      let records = this.networkNames.get(network);
      if (!records) this.networkNames.set(network, (records = new Map()));
      records.set(name, addresses(addrs));
      records.set(`tasks.${name}`, addresses(addrs));
    }
    this.namesOf.set(s.serviceId, { name, names, networks: [...byNetwork.keys()] });
  }

  private forget(serviceId: string): void {
    const of = this.namesOf.get(serviceId);
    if (!of) return;
    for (const name of of.names) this.names.delete(name);
    for (const network of of.networks) {
      const records = this.networkNames.get(network);
      records?.delete(of.name);
      records?.delete(`tasks.${of.name}`);
      if (records?.size === 0) this.networkNames.delete(network);
    }
    this.namesOf.delete(serviceId);
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** The records of `name` (lower case) for a container on `networks` (ids): theirs first. */
  lookup(name: string, networks: readonly string[] = []): NameRecords | undefined {
    for (const network of networks) {
      const records = this.networkNames.get(network)?.get(name);
      if (records) return records;
    }
    return this.names.get(name);
  }
}

/** Addresses as records: the IPv4 ones answer A, the IPv6 ones AAAA. */
function addresses(ips: string[]): NameRecords {
  return { a: ips.filter((ip) => isIPv4(ip)), aaaa: ips.filter((ip) => isIPv6(ip)), srv: [] };
}
