/**
 * The nftables text of the mesh's kernel path (see kernel-mesh.ts), made from the endpoint
 * table with no I/O. One table per node holds:
 * - `hosts`: the addresses the mesh serves (or every local address, when the node binds the
 *   wildcard), matched in prerouting (traffic from other hosts and containers) and output
 *   (the node's own);
 * - `ports`: a verdict map from protocol . published port to that port's chain, which DNATs a
 *   new connection to one of the tasks (round-robin with `numgen inc`); conntrack carries the
 *   rest of the connection, so a rewritten chain never touches established ones;
 * - `remote`: the tasks on other nodes (address . protocol . port), masqueraded so that their
 *   replies come back through this node; a task on this node sees the client's address;
 * - `hairpin`: tasks on this node as source and destination of the same connection (a
 *   container reaching its own service and drawn itself), masqueraded too;
 * - counters: a port's chain counts each new connection (`conn_<protocol>`) and marks it
 *   (MESH_MARK, a bit of the conntrack mark); one rule in each of `count_in` (prerouting, not
 *   from loopback) and `count_out` (output) counts the bytes of its packets, each once, into the
 *   counter the `bytes` map names for its direction and protocol (`rx_<protocol>` from clients,
 *   `tx_<protocol>` to them). An unmarked packet leaves at the rule's first match.
 * A change of the table rewrites only the chains and elements of the ports it touches.
 */
import type { LoadBalancing } from '../../proto/gen/flotilla/LoadBalancing.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import { isIPv4 } from 'node:net';
import { splitHostPort } from '../addr.js';

export interface NftTarget {
  host: string;
  port: number;
  /** The task runs on another node. */
  remote: boolean;
}

/** One published ingress port and the tasks it balances over. */
export interface NftPort {
  protocol: 'tcp' | 'udp';
  port: number;
  lb: LoadBalancing;
  targets: NftTarget[];
}

/** What the table matches as the node's own destinations. */
export interface NftServes {
  /** IPv4 addresses; empty means every local address (the node binds the wildcard). */
  hosts: string[];
  /** A loopback address is served: loopback sources are masqueraded (route_localnet is on). */
  loopback: boolean;
}

/**
 * The table's name for a node whose mesh serves `hosts` and listens on `port`: `flotilla` for
 * a node on every address; with the address and port otherwise, since nodes on addresses of
 * one machine share its nftables (each DNATs alike, and removes only its own table).
 */
export function tableName(hosts: readonly string[], port: number): string {
  const first = hosts[0];
  if (!first || isWildcard(first)) return 'flotilla';
  return `flotilla_${first.replace(/[^0-9a-zA-Z]/g, '_')}_${port}`;
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * The service's ingress ports as the kernel path serves them on node `nodeId`; undefined when
 * it cannot (a task address that is not IPv4).
 */
export function kernelPorts(service: ServiceEndpoints, nodeId: string): NftPort[] | undefined {
  const out: NftPort[] = [];
  for (const p of service.ports) {
    if (p.mode !== 'INGRESS') continue;
    const targets: NftTarget[] = [];
    for (const task of service.tasks)
      for (const tp of task.ports) {
        if (tp.targetPort !== p.targetPort || tp.protocol !== p.protocol) continue;
        const { host, port } = splitHostPort(tp.addr);
        if (!isIPv4(host)) return undefined;
        targets.push({ host, port, remote: task.nodeId !== nodeId });
      }
    out.push({
      protocol: p.protocol === 'UDP' ? 'udp' : 'tcp',
      port: p.publishedPort,
      lb: service.lb,
      targets,
    });
  }
  return out;
}

/** A port's key and the name of its chain: "tcp_8080". */
export const portKey = (p: Pick<NftPort, 'protocol' | 'port'>) => `${p.protocol}_${p.port}`;
const chainOf = portKey;

/** The bit of a connection's conntrack mark that says the mesh took it (and counts its bytes). */
export const MESH_MARK = 0x01000000;
const MARK = `0x${MESH_MARK.toString(16).padStart(8, '0')}`;

/** The table's counters, by protocol: new connections, bytes from clients, bytes to them. */
export const PROTOCOLS = ['tcp', 'udp'] as const;
const COUNTERS = PROTOCOLS.flatMap((p) => [`conn_${p}`, `rx_${p}`, `tx_${p}`]);

/** The rule of a port's chain: DNAT to one task; none when it has no task (the connection is refused). */
export function portRule(p: NftPort): string | undefined {
  const to = p.targets.map((t) => `${t.host} . ${t.port}`);
  if (to.length === 0) return undefined;
  const dnat = `ct mark set ct mark or ${MARK} counter name "conn_${p.protocol}" meta l4proto ${p.protocol} dnat ip to`;
  if (to.length === 1) return `${dnat} ${p.targets[0]!.host}:${p.targets[0]!.port}`;
  const pick = p.lb === 'ROUND_ROBIN' ? 'numgen inc' : 'numgen random';
  return `${dnat} ${pick} mod ${to.length} map { ${to.map((addr, i) => `${i} : ${addr}`).join(', ')} }`;
}

/** The elements of `remote` and `hairpin` the port's targets need. */
function elements(p: NftPort): { set: 'remote' | 'hairpin'; element: string }[] {
  return p.targets.map((t) =>
    t.remote
      ? { set: 'remote', element: `${t.host} . ${p.protocol} . ${t.port}` }
      : { set: 'hairpin', element: `${t.host} . ${t.host} . ${p.protocol} . ${t.port}` },
  );
}

/**
 * The batch that turns the ports in `before` into those in `after` (the ports of the services
 * a change touched, before and after it); empty when nothing changes. Ports absent from both
 * are left alone.
 */
export function portChanges(table: string, before: readonly NftPort[], after: readonly NftPort[]): string {
  const t = `inet ${table}`;
  const lines: string[] = [];
  const old = new Map(before.map((p) => [chainOf(p), p]));
  const next = new Map(after.map((p) => [chainOf(p), p]));
  for (const [chain, p] of old) {
    if (next.has(chain)) continue;
    lines.push(`delete element ${t} ports { ${p.protocol} . ${p.port} }`, `delete chain ${t} ${chain}`);
  }
  for (const [chain, p] of next) {
    const was = old.get(chain);
    const rule = portRule(p);
    if (was && portRule(was) === rule) continue;
    if (was) lines.push(`flush chain ${t} ${chain}`);
    else lines.push(`add chain ${t} ${chain}`);
    if (rule) lines.push(`add rule ${t} ${chain} ${rule}`);
    if (!was) lines.push(`add element ${t} ports { ${p.protocol} . ${p.port} : goto ${chain} }`);
  }
  // Elements by their key: two ports may share a target (the same task port published twice).
  const key = (e: { set: string; element: string }) => `${e.set} ${e.element}`;
  const had = new Map(before.flatMap(elements).map((e) => [key(e), e]));
  const has = new Map(after.flatMap(elements).map((e) => [key(e), e]));
  for (const [k, e] of had) if (!has.has(k)) lines.push(`delete element ${t} ${e.set} { ${e.element} }`);
  for (const [k, e] of has) if (!had.has(k)) lines.push(`add element ${t} ${e.set} { ${e.element} }`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The whole table with `ports`, replacing any table of that name in one transaction. */
export function tableRuleset(table: string, serves: NftServes, ports: readonly NftPort[]): string {
  const t = `inet ${table}`;
  const dest = serves.hosts.length > 0 ? 'ip daddr @hosts' : 'meta nfproto ipv4 fib daddr type local';
  const hostsSet =
    serves.hosts.length > 0
      ? `  set hosts { type ipv4_addr; elements = { ${serves.hosts.join(', ')} } }\n`
      : '';
  const loopback = serves.loopback
    ? // Loopback clients leave through another device once DNAT'ed: they need a real source.
      // And with route_localnet on, only DNAT'ed traffic may reach 127/8 from outside.
      `    ct status dnat ip saddr 127.0.0.0/8 oif != "lo" masquerade
  }
  chain guard {
    type filter hook input priority filter; policy accept;
    iif != "lo" ip daddr 127.0.0.0/8 ct status & dnat == 0 drop
`
    : '';
  // On a machine with several nodes' tables, each counts the connections to its own addresses.
  const ours = serves.hosts.length > 0 ? ' ct original ip daddr @hosts' : '';
  // Bytes are counted as packets pass (one rule, no jump): conntrack's own accounting, read at a
  // scrape, would miss the connections that ended between scrapes (see docs/mesh.md).
  const bytes = PROTOCOLS.flatMap((p) => [`original . ${p} : "rx_${p}"`, `reply . ${p} : "tx_${p}"`]);
  // The mark first, so that every other packet of the node leaves at the first match.
  const count = (from: string) =>
    `ct mark and ${MARK} == ${MARK}${from}${ours} counter name ct direction . meta l4proto map @bytes`;
  return `add table ${t}
delete table ${t}
table ${t} {
${hostsSet}${COUNTERS.map((c) => `  counter ${c} { }\n`).join('')}  map bytes { type ct_dir . inet_proto : counter; elements = { ${bytes.join(', ')} } }
  map ports { type inet_proto . inet_service : verdict; }
  set remote { type ipv4_addr . inet_proto . inet_service; }
  set hairpin { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ${dest} meta l4proto . th dport vmap @ports
  }
  chain output {
    type nat hook output priority -100; policy accept;
    ${dest} meta l4proto . th dport vmap @ports
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ct status dnat ip daddr . meta l4proto . th dport @remote masquerade
    ct status dnat ip saddr . ip daddr . meta l4proto . th dport @hairpin masquerade
${loopback}  }
  chain count_in {
    type filter hook prerouting priority filter; policy accept;
    ${count(' iif != "lo"')}
  }
  chain count_out {
    type filter hook output priority filter; policy accept;
    ${count('')}
  }
}
${portChanges(table, [], ports)}`;
}

/** A protocol's counts as the table holds them. */
export interface NftCounts {
  connections: number;
  receivedBytes: number;
  sentBytes: number;
}

/** The counts in `nft -j list counters table ...` output, by protocol. */
export function parseCounters(json: string): Record<(typeof PROTOCOLS)[number], NftCounts> {
  const named = new Map<string, number>();
  const items = (
    JSON.parse(json) as { nftables?: { counter?: { name: string; bytes: number; packets: number } }[] }
  ).nftables;
  for (const item of items ?? []) {
    const c = item.counter;
    if (c) named.set(c.name, c.name.startsWith('conn_') ? c.packets : c.bytes);
  }
  const of = (p: string): NftCounts => ({
    connections: named.get(`conn_${p}`) ?? 0,
    receivedBytes: named.get(`rx_${p}`) ?? 0,
    sentBytes: named.get(`tx_${p}`) ?? 0,
  });
  return { tcp: of('tcp'), udp: of('udp') };
}

/** Removes the table if it is there. */
export function dropTable(table: string): string {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}
