/**
 * User-defined overlay networks on this node. Each network the node's tasks join has a
 * bridge `fln<vni>` holding no address (the node itself takes no part in the network, so
 * nothing is routed between networks) and, as the bridge's port to the other nodes, a
 * VXLAN device `flv<vni>` that learns where each container's MAC lives from the traffic it
 * receives; what it does not know yet (ARP, first packets) goes to every other node, by one
 * all-zero forwarding entry per node (head-end replication). A node without the network
 * has no device for its VXLAN id and drops what it is sent. Containers are plugged into the
 * bridge by the runtime (runtime/containerd/bridge-network.ts), at the address the managers gave.
 *
 * A network's devices are made when a task that joins it starts here and removed once no
 * task of the node is on it any more (`prune`, which also finds the devices a previous run
 * left). Calls run one at a time.
 */
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { OverlayPeer } from '../proto/gen/flotilla/OverlayPeer.js';
import { ensureRulesFirst } from '../runtime/iptables-rules.js';
import { systemTool, trySystemTool } from '../runtime/run-captured.js';
import { OVERLAY_MTU, VXLAN_PORT } from './overlay.js';

const ZERO_MAC = '00:00:00:00:00:00';
/** Bridged traffic between a network's ports, which FORWARD sees where br_netfilter is loaded (Docker loads it). */
const FORWARD_RULE = [
  '-i',
  'fln+',
  '-m',
  'comment',
  '--comment',
  'flotilla overlay networks',
  '-j',
  'ACCEPT',
];

export const networkBridge = (vni: number): string => `fln${vni}`;
const vxlanDevice = (vni: number): string => `flv${vni}`;

/** The VXLAN ids of the networks that have a device (fln<vni> or flv<vni>) in `ip -j link show`. */
export function deviceVnis(links: string): Set<number> {
  const names = (JSON.parse(links || '[]') as { ifname?: string }[]).map((l) => l.ifname ?? '');
  return new Set(names.flatMap((name) => /^fl[nv](\d+)$/.exec(name)?.slice(1).map(Number) ?? []));
}

export class OverlayNetworks {
  private peers: string[] = [];
  private readonly present = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** This node's underlay address (its data path address). */
    private readonly underlay: string,
    private readonly log: Logger,
  ) {}

  /** The bridge of the network with this VXLAN id, made if it is not there. */
  ensure(vni: number): Promise<string> {
    return this.serially(async () => {
      if (!this.present.has(vni)) await this.make(vni);
      return networkBridge(vni);
    });
  }

  /** The other nodes' underlay addresses, to flood to; every network's entries follow. */
  setPeers(peers: OverlayPeer[]): void {
    const addrs = [...new Set(peers.map((p) => p.addr))].sort();
    if (addrs.join() === this.peers.join()) return;
    this.peers = addrs;
    void this.serially(async () => {
      for (const vni of this.present) await this.flood(vni);
    }).catch((err: unknown) =>
      this.log.error(
        { err: describeError(err) },
        "cannot update the overlay networks' peers (retried at the next change)",
      ),
    );
  }

  /** Removes the devices of networks that no task of this node is on, also those a previous run left. */
  prune(inUse: ReadonlySet<number>): Promise<void> {
    return this.serially(async () => {
      const here = new Set([...this.present, ...deviceVnis(await systemTool(['ip', '-j', 'link', 'show']))]);
      for (const vni of [...here].filter((v) => !inUse.has(v))) {
        await trySystemTool(['ip', 'link', 'del', vxlanDevice(vni)]);
        await trySystemTool(['ip', 'link', 'del', networkBridge(vni)]);
        this.present.delete(vni);
        this.log.info({ vni }, 'overlay network left (no task of this node on it)');
      }
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The bridge and its VXLAN port: kept as a previous run left them if they are as wanted
   * (containers it adopts are plugged into them), else made anew.
   */
  private async make(vni: number): Promise<void> {
    const bridge = networkBridge(vni);
    const vxlan = vxlanDevice(vni);
    if (await this.intact(vni)) {
      this.present.add(vni);
      await this.flood(vni);
      return;
    }
    await trySystemTool(['ip', 'link', 'del', vxlan]);
    await trySystemTool(['ip', 'link', 'del', bridge]);
    await systemTool(['ip', 'link', 'add', bridge, 'mtu', String(OVERLAY_MTU), 'type', 'bridge']);
    const settings = ['id', String(vni), 'dstport', VXLAN_PORT, 'local', this.underlay];
    await systemTool(['ip', 'link', 'add', vxlan, 'mtu', String(OVERLAY_MTU), 'type', 'vxlan', ...settings]);
    await systemTool(['ip', 'link', 'set', vxlan, 'master', bridge, 'up']);
    await systemTool(['ip', 'link', 'set', bridge, 'up']);
    await ensureRulesFirst([{ table: 'filter', chain: 'FORWARD', rule: FORWARD_RULE }]);
    this.present.add(vni);
    await this.flood(vni);
    this.log.info({ vni, bridge }, 'overlay network joined');
  }

  private async intact(vni: number): Promise<boolean> {
    const res = await trySystemTool(['ip', '-j', '-d', 'link', 'show', 'dev', vxlanDevice(vni)]);
    if (res.exitCode !== 0) return false;
    const [link] = JSON.parse(res.stdout) as {
      master?: string;
      linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string } };
    }[];
    const data = link?.linkinfo?.info_data;
    return (
      link?.master === networkBridge(vni) &&
      link.linkinfo?.info_kind === 'vxlan' &&
      data?.id === vni &&
      data.local === this.underlay
    );
  }

  /** One all-zero forwarding entry per peer, and none for nodes that are gone. */
  private async flood(vni: number): Promise<void> {
    const dev = ['dev', vxlanDevice(vni)];
    const fdb = JSON.parse((await systemTool(['bridge', '-j', 'fdb', 'show', ...dev])) || '[]') as {
      mac: string;
      dst?: string;
    }[];
    const have = new Set(fdb.filter((e) => e.mac === ZERO_MAC && e.dst).map((e) => e.dst!));
    for (const addr of this.peers.filter((a) => !have.has(a)))
      await systemTool(['bridge', 'fdb', 'append', ZERO_MAC, ...dev, 'dst', addr]);
    for (const addr of [...have].filter((a) => !this.peers.includes(a)))
      await systemTool(['bridge', 'fdb', 'del', ZERO_MAC, ...dev, 'dst', addr]);
  }
}
