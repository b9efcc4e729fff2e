/**
 * Containers' own networks on a node bridge, made by the node itself with iproute2 (no CNI
 * plugin), with one process per container and one for the node's side of many:
 * - one `unshare --net=<dir>/netns/<id> ip -batch -` makes the container's network namespace,
 *   bind-mounted there (so it outlives the agent, a restarted agent finds it, runc joins it by
 *   path, and everything of the node stays under its data dir), and in it brings up loopback and
 *   `eth0` with the container's address and a default route through the gateway; eth0's veth
 *   peer `fc<id>0` is made in the node's namespace;
 * - the node's side (`fc<id>0` onto the bridge, hairpin on, up) of all containers being started
 *   at once goes to one `ip -batch` (ip-batch.ts); at removal one `umount` takes many namespaces,
 *   and the kernel removes their veths with them;
 * - the address comes from the node's own pool (ipam.ts), leased in `<dir>/leases/`.
 * The bridge holds the subnet's first address: the containers' gateway, routable from the
 * node, so the node's mesh reaches containers directly and containers reach the node there.
 * The bridge's iptables rules (masquerading, FORWARD, forwarded ports) are bridge-rules.ts;
 * a container's forwarded ports are kept in `<dir>/ports/<id>.json` for their removal.
 * `<dir>/resolv.conf` points containers at the node's resolver on the gateway.
 *
 * A container on overlay networks also gets eth1... on their bridges (fc<id>1... on the
 * node's side) at the addresses the managers gave, with no gateway there.
 */
import { access, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError, invalidArgument, isFlotillaError } from '../../lib/errors.js';
import { parseSubnet } from '../../lib/ipv4.js';
import type { DriverLogger, NetworkPlug, PortMapping } from '../driver.js';
import { runCaptured, SYSTEM_PATH, systemTool, trySystemTool } from '../run-captured.js';
import { Batcher } from './batcher.js';
import { ensureBridgeRules, setForwards } from './bridge-rules.js';
import { IpBatcher, ipInNewNamespace, type IpFailure } from './ip-batch.js';
import { AddressPool } from './ipam.js';
import { gatewayOf } from '../container-network.js';

/** Interfaces per container: eth0 and up to 35 overlay networks (the veth names' last character). */
const MAX_INTERFACES = 36;

export interface BridgeNetworkOptions {
  bridge: string;
  subnet: string;
  /** Directory the driver owns for namespaces, leases, forwarded ports and resolv.conf. */
  dir: string;
  /** The containers' MTU (below the link's when their traffic is encapsulated); default the link's. */
  mtu?: number;
  logger?: DriverLogger;
}

export interface Attachment {
  netns: string;
  ip: string;
}

export class BridgeNetwork {
  readonly gateway: string;
  readonly name: string;
  private readonly prefix: number;
  private readonly pool: AddressPool;
  private readonly batcher = new IpBatcher();
  private readonly unmounts = new Batcher<string, string | undefined>(unmountAll);
  private ready: Promise<void> | undefined;

  constructor(private readonly opts: BridgeNetworkOptions) {
    this.gateway = gatewayOf(opts.subnet);
    this.prefix = parseSubnet(opts.subnet)?.prefix ?? 16;
    this.name = `flotilla-${opts.bridge}`;
    this.pool = new AddressPool(opts.subnet, join(opts.dir, 'leases'));
  }

  get resolvConf(): string {
    return join(this.opts.dir, 'resolv.conf');
  }

  netnsPath(id: string): string {
    return join(this.opts.dir, 'netns', id);
  }

  /**
   * Creates the bridge with the gateway address (once; the bridge stays, as the node's
   * network, when the node stops), its rules and resolv.conf. The bridge exists before any
   * container so that the node's resolver and mesh can listen on the gateway.
   */
  ensure(): Promise<void> {
    this.ready ??= this.setUp().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /**
   * A namespace for the container with loopback and eth0 on the bridge, the node's ports in
   * `publish` forwarded to it, and eth1... on the bridges of `networks` (which their
   * namespace's removal takes away); returns its address on the node bridge.
   */
  async attach(id: string, publish: PortMapping[] = [], networks: NetworkPlug[] = []): Promise<Attachment> {
    if (networks.length >= MAX_INTERFACES)
      throw invalidArgument(
        'networks',
        `at most ${MAX_INTERFACES - 1} networks per container`,
        networks.length,
      );
    await this.ensure();
    try {
      const ip = await this.pool.allocate(id);
      const netns = this.netnsPath(id);
      await (await open(netns, 'w')).close();
      const mtu = (m: number | undefined) => (m ? ` mtu ${m}` : '');
      const veth = (i: number, m: number | undefined) =>
        `link add eth${i}${mtu(m)} type veth peer name ${vethName(id, i)}${mtu(m)} netns ${process.pid}`;
      await ipInNewNamespace(netns, [
        'link set lo up',
        veth(0, this.opts.mtu),
        `addr add ${ip}/${this.prefix} dev eth0`,
        'link set eth0 up',
        `route add default via ${this.gateway} dev eth0`,
        ...networks.flatMap((plug, i) => [
          veth(i + 1, plug.mtu),
          `addr add ${plug.address} dev eth${i + 1}`,
          `link set eth${i + 1} up`,
        ]),
      ]);
      throwIfFailed(
        await this.batcher.run([
          `link set dev ${vethName(id, 0)} master ${this.opts.bridge}`,
          `link set dev ${vethName(id, 0)} type bridge_slave hairpin on`,
          `link set dev ${vethName(id, 0)} up`,
          ...networks.flatMap((plug, i) => [
            `link set dev ${vethName(id, i + 1)} master ${plug.bridge}`,
            `link set dev ${vethName(id, i + 1)} up`,
          ]),
        ]),
      );
      if (publish.length > 0) {
        // Kept for the removal, which needs the same rules (also when the container record is gone).
        await writeFile(this.portsPath(id), JSON.stringify({ ip, publish }));
        await setForwards('-A', this.opts.bridge, this.name, id, ip, publish);
      }
      this.opts.logger?.debug({ id, ip, bridge: this.opts.bridge }, 'container network attached');
      return { netns, ip };
    } catch (err) {
      await this.detach(id).catch(() => undefined);
      if (isFlotillaError(err)) throw err;
      throw new FlotillaError(
        'UNAVAILABLE',
        `cannot give container ${id} its network on bridge ${this.opts.bridge}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Removes the container's port forwards and namespace (with its veths) and releases its address; idempotent. */
  async detach(id: string): Promise<void> {
    const ports = await readFile(this.portsPath(id), 'utf8').catch(() => undefined);
    if (ports !== undefined) {
      const { ip, publish } = JSON.parse(ports) as { ip: string; publish: PortMapping[] };
      await setForwards('-D', this.opts.bridge, this.name, id, ip, publish).catch((err: unknown) =>
        this.opts.logger?.warn({ id, err: (err as Error).message }, 'cannot remove the port forwards'),
      );
      await rm(this.portsPath(id), { force: true });
    }
    // The veths go with the namespace: the kernel removes its devices together, later and far
    // more cheaply than one deletion each (every deletion waits for the others' grace periods).
    const netns = this.netnsPath(id);
    if (await exists(netns)) {
      const [failed] = await this.unmounts.run([netns]);
      // Not mounted: a namespace that was never made (the empty file alone).
      if (failed !== undefined && !failed.includes('not mounted'))
        throw new Error(`cannot remove the network namespace of ${id}: ${failed}`);
      await rm(netns, { force: true });
    }
    await this.pool.release(id);
    this.opts.logger?.debug({ id }, 'container network detached');
  }

  /**
   * Brings the leases in line with the containers that exist (id → address, as their records
   * say, see AddressPool.reconcile) and removes the networks of containers that are gone;
   * returns their ids. For a node's start, before it creates containers: one being created
   * has a lease but no record yet.
   */
  async reconcile(containers: Map<string, string | undefined>): Promise<string[]> {
    const stale = await this.pool.reconcile(containers, (id, ip) =>
      this.opts.logger?.warn({ id, ip }, 'a container has an address leased to another container'),
    );
    const unleased = (await this.namespaces()).filter((id) => !containers.has(id) && !stale.includes(id));
    for (const id of [...stale, ...unleased]) await this.detach(id);
    return [...stale, ...unleased];
  }

  /** The ids of containers that have a namespace here. */
  private async namespaces(): Promise<string[]> {
    return readdir(join(this.opts.dir, 'netns')).catch(() => []);
  }

  private portsPath(id: string): string {
    return join(this.opts.dir, 'ports', `${id}.json`);
  }

  private async setUp(): Promise<void> {
    const { dir, bridge, subnet } = this.opts;
    await mkdir(join(dir, 'netns'), { recursive: true });
    await mkdir(join(dir, 'ports'), { recursive: true });
    await writeFile(this.resolvConf, `nameserver ${this.gateway}\noptions ndots:0\n`);
    const made = (await trySystemTool(['ip', 'link', 'show', 'dev', bridge])).exitCode === 0;
    if (!made) await systemTool(['ip', 'link', 'add', bridge, 'type', 'bridge']);
    const gateway = `${this.gateway}/${this.prefix}`;
    await systemTool(['ip', 'addr', 'replace', gateway, 'dev', bridge]);
    // An address left by the node's previous subnet (a node that left and joined again has a new one) goes.
    const [link] = JSON.parse(await systemTool(['ip', '-4', '-j', 'addr', 'show', 'dev', bridge])) as {
      addr_info?: { local: string; prefixlen: number }[];
    }[];
    for (const { local, prefixlen } of link?.addr_info ?? []) {
      const addr = `${local}/${prefixlen}`;
      if (addr !== gateway) await systemTool(['ip', 'addr', 'del', addr, 'dev', bridge]);
    }
    await systemTool(['ip', 'link', 'set', bridge, 'up']);
    await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    await ensureBridgeRules(bridge, subnet, this.name);
    this.opts.logger?.info({ bridge, subnet, gateway: this.gateway }, 'container bridge ready');
  }
}

/** The node's end of a container's veth pair to its i-th interface (15 characters at most). */
function vethName(id: string, i: number): string {
  return `fc${id.slice(0, 12)}${i.toString(36)}`;
}

function throwIfFailed(failures: IpFailure[]): void {
  if (failures.length > 0)
    throw new Error(failures.map((f) => `\`ip ${f.command}\` failed: ${f.message}`).join('; '));
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Unmounts the namespaces in one `umount`; what it said of each that it could not unmount. */
async function unmountAll(paths: string[]): Promise<(string | undefined)[]> {
  const [first = '', ...rest] = paths;
  const { stderr } = await runCaptured(['umount', first, ...rest], {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    timeoutMs: 60_000,
  });
  const said = stderr.split('\n').filter(Boolean);
  return paths.map((p) => said.find((line) => line.startsWith(`umount: ${p}:`)));
}
