/**
 * The mesh's kernel data path: published ports as nftables DNAT rules with conntrack (see
 * nft-ruleset.ts for the table), so that no byte of a connection crosses a userspace process.
 * One table per node, made at start (which is also the test of whether the node can: root or
 * CAP_NET_ADMIN, and nft) and removed at close. Each change of the endpoint table is one
 * `nft -f` batch rewriting only the ports of the services it touches; a batch the kernel
 * refuses is followed by the whole table written again from what this side holds. Its counts
 * (the table's counters, and conntrack's entries for what is open) are read at each scrape of
 * the node's metrics.
 */
import { createSocket } from 'node:dgram';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, isIPv4 } from 'node:net';
import { describeError, FlotillaError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { meshMetrics, type MeshCount } from '../../lib/node-metrics.js';
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import { ensureRulesFirst } from '../../runtime/iptables-rules.js';
import { runCaptured, SYSTEM_PATH, systemTool, trySystemTool } from '../../runtime/run-captured.js';
import { splitHostPort } from '../addr.js';
import {
  dropTable,
  isWildcard,
  portKey,
  kernelPorts,
  MESH_MARK,
  parseCounters,
  portChanges,
  PROTOCOLS,
  tableName,
  tableRuleset,
  type NftCounts,
  type NftPort,
  type NftServes,
} from './nft-ruleset.js';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const ROUTE_LOCALNET = '/proc/sys/net/ipv4/conf/all/route_localnet';

async function nft(input: string): Promise<void> {
  const res = await runCaptured(['nft', '-f', '-'], {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    input,
    timeoutMs: 30_000,
  });
  if (res.exitCode !== 0)
    throw new FlotillaError('INTERNAL', `nft refused the mesh's rules: ${res.stderr.trim() || res.exitCode}`);
}

/** Sets a sysctl to 1 unless it is; says whether it changed. */
async function turnOn(path: string): Promise<boolean> {
  if ((await readFile(path, 'utf8')).trim() === '1') return false;
  await writeFile(path, '1\n');
  return true;
}

/** Binds and lets go: whether no other program holds the port on any of `hosts` (all addresses when empty). */
async function portFree(protocol: 'tcp' | 'udp', port: number, hosts: readonly string[]): Promise<boolean> {
  for (const host of hosts.length > 0 ? hosts : ['0.0.0.0']) {
    const free = await new Promise<boolean>((resolve) => {
      if (protocol === 'tcp') {
        const server = createServer();
        server.once('error', () => resolve(false));
        server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
      } else {
        const socket = createSocket('udp4');
        socket.once('error', () => resolve(false));
        socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
      }
    });
    if (!free) return false;
  }
  return true;
}

/**
 * Ends the UDP flows conntrack sends to a task (datagrams have no close: a client sending on
 * would reach the task that left until its flow idles). False when conntrack is not installed.
 */
async function forgetUdp(host: string, port: number): Promise<boolean> {
  const res = await runCaptured(
    ['conntrack', '-D', '-p', 'udp', '--reply-src', host, '--reply-port-src', String(port)],
    { cwd: '/', env: { PATH: SYSTEM_PATH }, timeoutMs: 30_000 },
  );
  // 1: no flow matched.
  return res.exitCode !== 127;
}

/** The table's counters, as `nft -j` lists them. */
function counters(table: string): Promise<string> {
  return systemTool(['nft', '-j', 'list', 'counters', 'table', 'inet', table]);
}

/**
 * How many connections (TCP, established) or flows (UDP) the mesh holds open: conntrack's
 * entries with the mesh's mark, to `host` when given. Undefined without the conntrack tool.
 */
async function openFlows(protocol: 'tcp' | 'udp', host?: string): Promise<number | undefined> {
  const mark = `${MESH_MARK}/${MESH_MARK}`;
  const res = await trySystemTool([
    'conntrack',
    '-L',
    '-p',
    protocol,
    '-m',
    mark,
    ...(protocol === 'tcp' ? ['--state', 'ESTABLISHED'] : []),
    ...(host ? ['--orig-dst', host] : []),
  ]);
  if (res.exitCode === 127) return undefined;
  return res.stdout.split('\n').filter(Boolean).length;
}

/**
 * Lets the mesh's connections through FORWARD (marked by their port chain), where a machine
 * with Docker drops what its own rules do not accept. Kept when the node stops: other nodes of
 * the machine may use it, and it accepts only what a mesh took.
 */
function acceptForwarded(): Promise<void> {
  const mark = `${MESH_MARK}/${MESH_MARK}`;
  return ensureRulesFirst([
    {
      table: 'filter',
      chain: 'FORWARD',
      rule: ['-m', 'connmark', '--mark', mark, '-m', 'comment', '--comment', 'flotilla mesh', '-j', 'ACCEPT'],
    },
  ]);
}

/** What the kernel path does to the system: nft batches, sysctls (tests record them instead). */
export interface KernelSystem {
  nft(input: string): Promise<void>;
  /** Sets a sysctl (a /proc/sys path) to 1 unless it is; says whether it changed. */
  turnOn(path: string): Promise<boolean>;
  /** Whether no program of the node holds the port (DNAT would take its traffic away). */
  portFree(protocol: 'tcp' | 'udp', port: number, hosts: readonly string[]): Promise<boolean>;
  /** Ends the UDP flows to a task; false when the node cannot (no conntrack tool). */
  forgetUdp(host: string, port: number): Promise<boolean>;
  /** The table's counters (`nft -j list counters`). */
  counters(table: string): Promise<string>;
  /** Connections or flows open through the mesh; undefined when the node cannot tell. */
  openFlows(protocol: 'tcp' | 'udp', host?: string): Promise<number | undefined>;
  /** Lets the mesh's connections through the firewall's FORWARD chain. */
  acceptForwarded(): Promise<void>;
}

const system: KernelSystem = { nft, turnOn, portFree, forgetUdp, counters, openFlows, acceptForwarded };

/** Removes the table of a node that could not (a daemon killed): for whoever cleans up after it. */
export async function removeMeshTable(hosts: readonly string[], port: number): Promise<void> {
  await nft(dropTable(tableName(hosts, port))).catch(() => undefined);
}

function noCounts(): Record<'tcp' | 'udp', NftCounts> {
  const none = { connections: 0, receivedBytes: 0, sentBytes: 0 };
  return { tcp: { ...none }, udp: { ...none } };
}

export class KernelMesh {
  /** The ports each service has in the table, by service id. */
  private readonly services = new Map<string, NftPort[]>();
  private queue: Promise<void> = Promise.resolve();
  private forwarding = false;
  private closed = false;
  /** Whether the node lacks the conntrack tool (said once). */
  private noConntrack = false;
  /** Ports another program holds, by "tcp_8080", with the service warned about. */
  private readonly held = new Map<string, string>();
  /** Counts of tables this one replaced (a rewrite starts the counters at 0). */
  private carried = noCounts();
  private readonly unlend = meshMetrics.sources.lend(() => this.counts());
  /** Whether reading the counts failed (said once). */
  private countsFailed = false;

  private constructor(
    readonly table: string,
    private readonly dests: NftServes,
    private readonly nodeId: string,
    private readonly log: Logger,
    private readonly sys: KernelSystem,
  ) {}

  /**
   * The kernel path for a mesh serving `hosts`, its table made (empty); or why this node
   * cannot have it (not root, no nft, an IPv6 address to serve).
   */
  static async open(
    { hosts, port, nodeId }: { hosts: readonly string[]; port: number; nodeId: string },
    log: Logger,
    sys = system,
  ): Promise<KernelMesh | string> {
    const wildcard = hosts.some(isWildcard);
    const v6 = hosts.find((h) => !isWildcard(h) && !isIPv4(h));
    if (v6) return `the mesh serves an IPv6 address (${v6}); the kernel path is IPv4 only`;
    const serves: NftServes = {
      hosts: wildcard ? [] : [...hosts],
      loopback: wildcard || hosts.some((h) => h.startsWith('127.')),
    };
    const mesh = new KernelMesh(tableName(hosts, port), serves, nodeId, log, sys);
    try {
      await sys.nft(tableRuleset(mesh.table, serves, []));
    } catch (err) {
      mesh.unlend();
      return describeError(err);
    }
    if (serves.loopback) {
      try {
        // A loopback client DNAT'ed to another address leaves through another device.
        if (await sys.turnOn(ROUTE_LOCALNET))
          log.info('net.ipv4.conf.all.route_localnet turned on for the mesh (loopback clients)');
      } catch (err) {
        log.warn(
          { err: describeError(err) },
          'cannot turn on route_localnet: loopback clients reach only tasks on loopback',
        );
      }
    }
    return mesh;
  }

  /** Whether the kernel path can carry the service's ports (else the userspace proxy does). */
  serves(s: ServiceEndpoints): boolean {
    return (
      s.mesh !== 'MESH_USERSPACE' &&
      s.lb !== 'LEAST_CONN' &&
      !s.proxyProtocol &&
      s.ports.some((p) => p.mode === 'INGRESS') &&
      kernelPorts(s, this.nodeId) !== undefined
    );
  }

  /** Takes a change (of the services it serves); resolves once the kernel has it. */
  apply(changes: EndpointChanges): Promise<void> {
    const run = this.queue.then(() => this.write(changes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Removes the table: connections DNAT'ed already keep their conntrack entries until they end. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unlend();
    await this.queue;
    await this.sys
      .nft(dropTable(this.table))
      .catch((err: unknown) =>
        this.log.warn({ err: describeError(err), table: this.table }, 'cannot remove the mesh table'),
      );
  }

  private async write(changes: EndpointChanges): Promise<void> {
    if (this.closed) return;
    const before: NftPort[] = [];
    const after: NftPort[] = [];
    if (changes.full) {
      this.services.clear();
    } else {
      for (const id of [...changes.removedServiceIds, ...changes.services.map((s) => s.serviceId)])
        before.push(...(this.services.get(id) ?? []));
    }
    for (const id of changes.removedServiceIds) this.services.delete(id);
    const had = new Set(before.map(portKey));
    for (const s of changes.services) {
      const ports: NftPort[] = [];
      for (const p of kernelPorts(s, this.nodeId) ?? [])
        if (had.has(portKey(p)) || (await this.free(p, s.serviceName))) ports.push(p);
      this.services.set(s.serviceId, ports);
      after.push(...ports);
    }
    await this.forwardIfRemote(after);
    if (changes.full) return this.writeAll();
    const batch = portChanges(this.table, before, after);
    if (!batch) return;
    try {
      await this.sys.nft(batch);
    } catch (err) {
      this.log.warn(
        { err: describeError(err) },
        'the kernel refused a mesh change; writing the whole table again',
      );
      await this.writeAll();
    }
    await this.forgetLeftUdp(before, after);
  }

  /** Ends the UDP flows to the tasks that left (TCP connections end when their task closes them). */
  private async forgetLeftUdp(before: NftPort[], after: NftPort[]): Promise<void> {
    const udp = (ports: NftPort[]) =>
      new Set(
        ports.filter((p) => p.protocol === 'udp').flatMap((p) => p.targets.map((t) => `${t.host}:${t.port}`)),
      );
    const stay = udp(after);
    for (const target of udp(before)) {
      if (stay.has(target) || this.noConntrack) continue;
      const { host, port } = splitHostPort(target);
      if (await this.sys.forgetUdp(host, port)) continue;
      this.noConntrack = true;
      this.log.info(
        'conntrack is not installed (Debian: conntrack): UDP flows to a task that left go on until they idle',
      );
    }
  }

  /**
   * Whether a port new to the table is free on the node: DNAT would silently take the traffic
   * of a program listening there (the node's own port, sshd), where the proxy fails to listen.
   */
  private async free(p: NftPort, service: string): Promise<boolean> {
    const key = portKey(p);
    if (await this.sys.portFree(p.protocol, p.port, this.dests.hosts)) {
      this.held.delete(key);
      return true;
    }
    if (this.held.get(key) !== service)
      this.log.warn(
        { port: `${p.port}/${p.protocol}`, service },
        'the mesh leaves this port alone on this node: another program listens on it; free the port (it is tried again at the service’s next change)',
      );
    this.held.set(key, service);
    return false;
  }

  private async writeAll(): Promise<void> {
    this.carried = await this.tableCounts().catch(() => this.carried);
    await this.sys.nft(tableRuleset(this.table, this.dests, [...this.services.values()].flat()));
  }

  /** The counters since this mesh opened: those of the table now and of those it replaced. */
  private async tableCounts(): Promise<Record<'tcp' | 'udp', NftCounts>> {
    const now = parseCounters(await this.sys.counters(this.table));
    const sum = (p: 'tcp' | 'udp'): NftCounts => ({
      connections: now[p].connections + this.carried[p].connections,
      receivedBytes: now[p].receivedBytes + this.carried[p].receivedBytes,
      sentBytes: now[p].sentBytes + this.carried[p].sentBytes,
    });
    return { tcp: sum('tcp'), udp: sum('udp') };
  }

  /** What the kernel path counted, for the node's metrics (read in turn with the table's writes). */
  counts(): Promise<MeshCount[]> {
    const read = this.queue.then(async () => {
      const table = await this.tableCounts();
      const host = this.dests.hosts.length === 1 ? this.dests.hosts[0] : undefined;
      return Promise.all(
        PROTOCOLS.map(async (protocol): Promise<MeshCount> => ({
          protocol,
          path: 'kernel',
          ...table[protocol],
          active: (await this.sys.openFlows(protocol, host)) ?? 0,
          failedConnects: 0,
        })),
      );
    });
    return read.catch((err: unknown) => {
      if (!this.countsFailed)
        this.log.warn(
          { err: describeError(err), table: this.table },
          'cannot read the mesh table’s counters',
        );
      this.countsFailed = true;
      return [];
    });
  }

  /**
   * Forwarding on, and the mesh's connections let through FORWARD, once a task on another node
   * is a destination (traffic from other hosts is routed there).
   */
  private async forwardIfRemote(ports: NftPort[]): Promise<void> {
    if (this.forwarding || !ports.some((p) => p.targets.some((t) => t.remote))) return;
    this.forwarding = true;
    try {
      if (await this.sys.turnOn(IP_FORWARD))
        this.log.info('net.ipv4.ip_forward turned on for the mesh (tasks on other nodes)');
    } catch (err) {
      this.log.warn(
        { err: describeError(err) },
        'cannot turn on ip_forward: clients on other hosts reach only the tasks of this node',
      );
    }
    await this.sys
      .acceptForwarded()
      .catch((err: unknown) =>
        this.log.warn(
          { err: describeError(err) },
          'cannot add the mesh’s ACCEPT rule to FORWARD (iptables): where its policy drops, clients on other hosts reach only the tasks of this node',
        ),
      );
  }
}
