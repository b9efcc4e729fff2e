/**
 * Containers' own networks on a node bridge, through the CNI plugins (Debian's
 * containernetworking-plugins: /usr/lib/cni). Each container gets a network namespace
 * that the driver creates and bind-mounts at `<dir>/netns/<id>` (so it outlives the agent
 * and an agent that restarts finds it again), with loopback up (`ip`, in the same process that
 * makes it) and an `eth0` on the bridge
 * from the `bridge` plugin, addressed by `host-local` IPAM whose leases live in
 * `<dir>/ipam/` (one file per address, named by it, holding the container id). The bridge
 * holds the subnet's first address: the containers' gateway, routable from the node, so
 * the node's mesh reaches containers directly and containers reach the node there.
 * Three iptables rules per bridge, made with it and kept with it, do for every container
 * what per-container rules would do at a cost per container: masquerade what leaves the
 * subnet, and let the bridge's traffic through FORWARD where it drops by default (machines
 * with Docker). And
 * ports of the node published in host mode are forwarded to the container by `portmap`
 * (DNAT chains of its own, removed on DEL).
 *
 * `<dir>/forwards/<id>.json` keeps a container's port forwards for their removal.
 * `<dir>/<network>.conflist` is the configuration the driver uses, written for operators
 * (e.g. `cnitool`); `<dir>/resolv.conf` points containers at the node's resolver on the gateway.
 */
import { execFile } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FlotillaError } from '../../lib/errors.js';
import type { DriverLogger, NetworkPlug, PortMapping } from '../driver.js';
import { parseSubnet } from '../../lib/ipv4.js';
import { gatewayOf } from './network-config.js';
import { runCaptured } from '../run-captured.js';

const run = promisify(execFile);
export const DEFAULT_CNI_PATH = '/usr/lib/cni';
const CNI_VERSION = '1.0.0';

export interface BridgeNetworkOptions {
  bridge: string;
  subnet: string;
  /** Directory the driver owns for namespaces, leases and configuration. */
  dir: string;
  /** Where the plugins are; default /usr/lib/cni. */
  cniPath?: string;
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
  private readonly cniPath: string;
  private ready: Promise<void> | undefined;

  constructor(private readonly opts: BridgeNetworkOptions) {
    this.gateway = gatewayOf(opts.subnet);
    this.name = `flotilla-${opts.bridge}`;
    this.cniPath = opts.cniPath ?? DEFAULT_CNI_PATH;
  }

  get resolvConf(): string {
    return join(this.opts.dir, 'resolv.conf');
  }

  netnsPath(id: string): string {
    return join(this.opts.dir, 'netns', id);
  }

  private forwardsPath(id: string): string {
    return join(this.opts.dir, 'forwards', `${id}.json`);
  }

  /** The ids of containers that have a namespace here. */
  async namespaces(): Promise<string[]> {
    return readdir(join(this.opts.dir, 'netns')).catch(() => []);
  }

  /**
   * Creates the bridge with the gateway address (once; the bridge stays, as the node's
   * network, when the node stops), the configuration and resolv.conf. The bridge exists
   * before any container so that the node's resolver and mesh can listen on the gateway.
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
    await this.ensure();
    const netns = this.netnsPath(id);
    await (await open(netns, 'w')).close();
    try {
      // One process makes the namespace (bind-mounted at `netns`) and brings its loopback up.
      await run('unshare', [`--net=${netns}`, 'ip', 'link', 'set', 'lo', 'up']);
      const result = (await this.plugin('ADD', id, netns, 'eth0', this.bridgeConfig())) as {
        ips?: { address: string }[];
      };
      const ip = result.ips?.[0]?.address.split('/')[0];
      if (!ip) throw new Error('the bridge plugin gave the container no address');
      if (publish.length > 0) {
        // Kept for DEL, which needs the same mappings (also when the container record is gone).
        await writeFile(this.forwardsPath(id), JSON.stringify(publish));
        await this.plugin('ADD', id, netns, 'eth0', this.portmapConfig(publish, result));
      }
      for (const [i, plug] of networks.entries())
        await this.plugin('ADD', id, netns, `eth${i + 1}`, plugConfig(plug));
      this.opts.logger?.debug({ id, ip, bridge: this.opts.bridge }, 'container network attached');
      return { netns, ip };
    } catch (err) {
      await this.detach(id).catch(() => undefined);
      throw new FlotillaError(
        'UNAVAILABLE',
        `cannot give container ${id} its network on bridge ${this.opts.bridge}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Releases the container's address and veth (CNI DEL) and removes its namespace; idempotent. */
  async detach(id: string): Promise<void> {
    const netns = this.netnsPath(id);
    const present = (await this.namespaces()).includes(id);
    const forwards = await readFile(this.forwardsPath(id), 'utf8').catch(() => undefined);
    if (forwards !== undefined) {
      const publish = JSON.parse(forwards) as PortMapping[];
      await this.plugin('DEL', id, netns, 'eth0', this.portmapConfig(publish)).catch((err: unknown) =>
        this.opts.logger?.warn({ id, err: (err as Error).message }, 'cannot remove the port forwards'),
      );
      await rm(this.forwardsPath(id), { force: true });
    }
    // DEL without a namespace still releases the address (host-local finds it by id); a
    // namespace that was never made (a file not yet mounted) is left to that too.
    await this.plugin('DEL', id, present ? netns : '', 'eth0', this.bridgeConfig()).catch((err: unknown) => {
      if (!present) throw err;
      return this.plugin('DEL', id, '', 'eth0', this.bridgeConfig());
    });
    if (!present) return;
    await run('umount', [netns]).catch(() => undefined); // not mounted: a half-made namespace
    await rm(netns, { force: true });
    this.opts.logger?.debug({ id }, 'container network detached');
  }

  private async setUp(): Promise<void> {
    const { dir, bridge, subnet } = this.opts;
    await mkdir(join(dir, 'netns'), { recursive: true });
    await mkdir(join(dir, 'forwards'), { recursive: true });
    await writeFile(
      join(dir, `${this.name}.conflist`),
      `${JSON.stringify(
        {
          cniVersion: CNI_VERSION,
          name: this.name,
          plugins: [
            this.pluginConfig(),
            { type: 'portmap', snat: true, capabilities: { portMappings: true } },
          ],
        },
        null,
        2,
      )}\n`,
    );
    await writeFile(this.resolvConf, `nameserver ${this.gateway}\noptions ndots:0\n`);
    const exists = await run('ip', ['link', 'show', 'dev', bridge]).then(
      () => true,
      () => false,
    );
    if (!exists) await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    const prefix = parseSubnet(subnet)?.prefix ?? 16;
    const gateway = `${this.gateway}/${prefix}`;
    await run('ip', ['addr', 'replace', gateway, 'dev', bridge]);
    // The bridge plugin refuses a bridge with any other address: one left by the node's
    // previous subnet (a node that left and joined again has a new one) goes.
    const [link] = JSON.parse((await run('ip', ['-4', '-j', 'addr', 'show', 'dev', bridge])).stdout) as {
      addr_info?: { local: string; prefixlen: number }[];
    }[];
    for (const { local, prefixlen } of link?.addr_info ?? []) {
      const addr = `${local}/${prefixlen}`;
      if (addr !== gateway) await run('ip', ['addr', 'del', addr, 'dev', bridge]);
    }
    await run('ip', ['link', 'set', bridge, 'up']);
    for (const { table, chain, rule } of this.bridgeRules()) {
      const present = await run('iptables', ['-w', '-t', table, '-C', chain, ...rule]).then(
        () => true,
        () => false,
      );
      // First in the chain, ahead of a default that drops.
      if (!present) await run('iptables', ['-w', '-t', table, '-I', chain, '1', ...rule]);
    }
    this.opts.logger?.info({ bridge, subnet, gateway: this.gateway }, 'container bridge ready');
  }

  private pluginConfig(): Record<string, unknown> {
    return {
      type: 'bridge',
      bridge: this.opts.bridge,
      isGateway: true,
      ipMasq: false, // one rule for the subnet instead (bridgeRules)
      hairpinMode: true,
      ...(this.opts.mtu ? { mtu: this.opts.mtu } : {}),
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: this.opts.subnet, gateway: this.gateway }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: join(this.opts.dir, 'ipam'),
      },
    };
  }

  private bridgeConfig(): Record<string, unknown> {
    return { cniVersion: CNI_VERSION, name: this.name, ...this.pluginConfig() };
  }

  /** Masquerading out of the subnet, and the bridge's traffic through FORWARD (see the top). */
  private bridgeRules(): { table: string; chain: string; rule: string[] }[] {
    const { bridge, subnet } = this.opts;
    const comment = ['-m', 'comment', '--comment', `${this.name} network`];
    return [
      {
        table: 'nat',
        chain: 'POSTROUTING',
        rule: ['-s', subnet, '!', '-o', bridge, ...comment, '-j', 'MASQUERADE'],
      },
      { table: 'filter', chain: 'FORWARD', rule: ['-i', bridge, ...comment, '-j', 'ACCEPT'] },
      {
        table: 'filter',
        chain: 'FORWARD',
        rule: [
          '-o',
          bridge,
          '-m',
          'conntrack',
          '--ctstate',
          'RELATED,ESTABLISHED,DNAT',
          ...comment,
          '-j',
          'ACCEPT',
        ],
      },
    ];
  }

  private portmapConfig(publish: PortMapping[], prevResult?: unknown): Record<string, unknown> {
    return {
      cniVersion: CNI_VERSION,
      name: this.name,
      type: 'portmap',
      snat: true,
      capabilities: { portMappings: true },
      runtimeConfig: {
        portMappings: publish.map((m) => ({
          hostIP: m.hostIp,
          hostPort: m.hostPort,
          containerPort: m.containerPort,
          protocol: m.protocol,
        })),
      },
      ...(prevResult !== undefined && { prevResult }),
    };
  }

  /** Runs one plugin as the CNI specification says: parameters in the environment, config on stdin. */
  private async plugin(
    command: 'ADD' | 'DEL',
    id: string,
    netns: string,
    ifname: string,
    config: Record<string, unknown>,
  ): Promise<unknown> {
    const type = String(config.type);
    const { exitCode, stdout, stderr } = await runCaptured([join(this.cniPath, type)], {
      cwd: '/',
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CNI_COMMAND: command,
        CNI_CONTAINERID: id,
        CNI_NETNS: netns,
        CNI_IFNAME: ifname,
        CNI_PATH: this.cniPath,
      },
      input: JSON.stringify(config),
    });
    if (exitCode === 0) return stdout.trim() ? JSON.parse(stdout) : {};
    if (exitCode === 127 || exitCode === 126) {
      throw new Error(
        `CNI plugin ${type} cannot run (${stderr.trim()}); install containernetworking-plugins or start the node with --container-network host`,
      );
    }
    let why = stderr.trim() || stdout.trim();
    try {
      const parsed = JSON.parse(stdout) as { msg?: string; details?: string };
      why = [parsed.msg, parsed.details].filter(Boolean).join(': ');
    } catch {
      // not JSON: keep the raw output
    }
    throw new Error(`CNI ${command} with ${type} failed: ${why || `exit ${exitCode}`}`);
  }
}

/**
 * An interface on an overlay network's bridge: a fixed address (the managers gave it), no
 * gateway and no masquerading (the node has no address there: it only carries the network).
 */
function plugConfig(plug: NetworkPlug): Record<string, unknown> {
  return {
    cniVersion: CNI_VERSION,
    name: `flotilla-${plug.bridge}`,
    type: 'bridge',
    bridge: plug.bridge,
    isGateway: false,
    ipMasq: false,
    mtu: plug.mtu,
    ipam: { type: 'static', addresses: [{ address: plug.address }] },
  };
}
