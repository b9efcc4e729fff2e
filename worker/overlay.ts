/**
 * The default overlay (flannel's vxlan backend, with static entries only): every node's
 * container subnet is reachable from every other node through a VXLAN device, flvx0.
 * The device holds its subnet's network address (/32) and a MAC made from it, so a peer's
 * MAC follows from its subnet and nobody needs telling. For each peer the node has a route
 * to the peer's subnet via the peer's network address (onlink, on flvx0), a permanent
 * neighbour entry giving that address the peer's MAC, and an FDB entry sending that MAC to
 * the peer's underlay address; no learning, no multicast. Start the overlay after the
 * container bridge: its nat rule goes ahead of the bridge's masquerade rule.
 *
 * Like the bridge, the device and its rules stay when the node stops; a restarted node
 * finds them, replaces what differs, and reconciles the peers' entries at its first apply.
 *
 * rp_filter needs no change, also where it is strict: a packet from a peer's container (or
 * from the peer itself, whose source is then its flvx0 address) comes in on flvx0 from the
 * peer's subnet, which is routed out of flvx0 too.
 */
import { describeError, invalidArgument } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { parseSubnet } from '../lib/ipv4.js';
import { ensureRulesFirst } from '../runtime/iptables-rules.js';
import { systemTool, trySystemTool } from '../runtime/run-captured.js';

export const OVERLAY_DEVICE = 'flvx0';
const VNI = '4213';
export const VXLAN_PORT = '4789';
/** The underlay's 1500 less VXLAN's 50 bytes of headers: containers on the overlay send no more. */
export const OVERLAY_MTU = 1450;
const COMMENT = ['-m', 'comment', '--comment', `flotilla overlay ${OVERLAY_DEVICE}`];

export interface OverlayPeer {
  nodeId: string;
  /** The peer's container subnet, e.g. 10.213.6.0/24. */
  subnet: string;
  /** The peer's underlay address. */
  addr: string;
}

export interface OverlayOptions {
  /** This node's container subnet. */
  subnet: string;
  /** This node's underlay address (its advertised IP). */
  underlay: string;
  log: Logger;
}

/** The overlay's entries on flvx0, each a map from key to value. */
export interface OverlayEntries {
  /** Peer subnet to the gateway it is routed via. */
  routes: Map<string, string>;
  /** Peer network address to its MAC. */
  neighs: Map<string, string>;
  /** Peer MAC to its underlay address. */
  fdb: Map<string, string>;
}

/** The network address of an IPv4 subnet, e.g. 10.213.5.0 for 10.213.5.0/24. */
export function networkAddress(subnet: string): string {
  return octets(parsed(subnet).base).join('.');
}

/** The MAC of a node's flvx0: 0a:58 and the 4 bytes of its subnet's network address. */
export function overlayMac(subnet: string): string {
  return ['0a', '58', ...octets(parsed(subnet).base).map((o) => o.toString(16).padStart(2, '0'))].join(':');
}

function parsed(subnet: string): { base: number; prefix: number } {
  const p = parseSubnet(subnet);
  if (!p) throw invalidArgument('overlay subnet', 'an IPv4 CIDR such as 10.213.5.0/24', subnet);
  return p;
}

const octets = (n: number): number[] => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255);

/** The entries flvx0 should have for these peers. */
export function wantedEntries(peers: OverlayPeer[]): OverlayEntries {
  const entries: OverlayEntries = { routes: new Map(), neighs: new Map(), fdb: new Map() };
  for (const peer of peers) {
    const gateway = networkAddress(peer.subnet);
    const mac = overlayMac(peer.subnet);
    entries.routes.set(peer.subnet, gateway);
    entries.neighs.set(gateway, mac);
    entries.fdb.set(mac, peer.addr);
  }
  return entries;
}

/** The entries flvx0 has, from `ip -4 -j route|neigh show` and `bridge -j fdb show` of it. */
export function presentEntries(routes: string, neighs: string, fdb: string): OverlayEntries {
  const list = <T>(json: string) => (json.trim() ? (JSON.parse(json) as T[]) : []);
  return {
    routes: new Map(list<{ dst: string; gateway?: string }>(routes).map((r) => [r.dst, r.gateway ?? ''])),
    neighs: new Map(list<{ dst: string; lladdr?: string }>(neighs).map((n) => [n.dst, n.lladdr ?? ''])),
    fdb: new Map(list<{ mac: string; dst?: string }>(fdb).map((f) => [f.mac, f.dst ?? ''])),
  };
}

/** What to replace (missing or different) and what to remove (not wanted) to go from `present` to `wanted`. */
export function diffEntries(
  wanted: Map<string, string>,
  present: Map<string, string>,
): { replace: [string, string][]; remove: [string, string][] } {
  return {
    replace: [...wanted].filter(([key, value]) => present.get(key) !== value),
    remove: [...present].filter(([key]) => !wanted.has(key)),
  };
}

/** What `ip -j -d link show` says of a device, as far as the overlay cares. */
export interface DeviceInfo {
  flags: string[];
  mtu: number;
  address: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: { id?: number; port?: number; local?: string; learning?: boolean };
  };
}

/** Whether the device is flvx0 as the overlay makes it for this underlay (the settings a live device cannot change). */
export function vxlanMatches(link: DeviceInfo, underlay: string): boolean {
  const { info_kind: kind, info_data: data } = link.linkinfo ?? {};
  return (
    kind === 'vxlan' &&
    String(data?.id) === VNI &&
    String(data?.port) === VXLAN_PORT &&
    data?.local === underlay &&
    data.learning === false
  );
}

export class Overlay {
  /** The entries as last applied, serialized; undefined until an apply succeeds (then the device is read). */
  private applied: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: OverlayOptions) {}

  /** Ensures flvx0 and the overlay's iptables rules; throws if it cannot. */
  static async start(opts: OverlayOptions): Promise<Overlay> {
    const overlay = new Overlay(opts);
    await overlay.ensureDevice();
    await overlay.ensureRules();
    opts.log.info({ device: OVERLAY_DEVICE, subnet: opts.subnet, underlay: opts.underlay }, 'overlay ready');
    return overlay;
  }

  /**
   * Makes flvx0's entries those of `peers` (the other nodes), changing only what differs.
   * Calls run one at a time; errors are logged, not thrown: the next call retries.
   */
  apply(peers: OverlayPeer[]): Promise<void> {
    this.queue = this.queue.then(() =>
      this.reconcile(peers).catch((err: unknown) => {
        this.applied = undefined;
        this.opts.log.error(
          { err: describeError(err) },
          'cannot apply the overlay peers (retried at the next apply)',
        );
      }),
    );
    return this.queue;
  }

  /** Nothing to tear down: the device and its rules stay, as the bridge does. */
  close(): Promise<void> {
    return this.queue;
  }

  private async reconcile(peers: OverlayPeer[]): Promise<void> {
    const wanted = wantedEntries(peers.filter((p) => p.subnet !== this.opts.subnet));
    const key = serialize(wanted);
    if (key === this.applied) return;
    const dev = ['dev', OVERLAY_DEVICE];
    const present = presentEntries(
      await systemTool(['ip', '-4', '-j', 'route', 'show', ...dev]),
      await systemTool(['ip', '-4', '-j', 'neigh', 'show', ...dev]),
      await systemTool(['bridge', '-j', 'fdb', 'show', ...dev]),
    );
    const routes = diffEntries(wanted.routes, present.routes);
    const neighs = diffEntries(wanted.neighs, present.neighs);
    const fdb = diffEntries(wanted.fdb, present.fdb);
    // Routes go last and come off first, so that none leads to a peer without its entries.
    for (const [mac, addr] of fdb.replace)
      await systemTool(['bridge', 'fdb', 'replace', mac, ...dev, 'dst', addr, 'self', 'permanent']);
    for (const [ip, mac] of neighs.replace)
      await systemTool(['ip', 'neigh', 'replace', ip, 'lladdr', mac, ...dev, 'nud', 'permanent']);
    for (const [dst, via] of routes.replace)
      await systemTool(['ip', 'route', 'replace', dst, 'via', via, ...dev, 'onlink']);
    for (const [dst] of routes.remove) await systemTool(['ip', 'route', 'del', dst, ...dev]);
    for (const [ip] of neighs.remove) await systemTool(['ip', 'neigh', 'del', ip, ...dev]);
    for (const [mac, addr] of fdb.remove)
      await systemTool(['bridge', 'fdb', 'del', mac, ...dev, ...(addr ? ['dst', addr] : []), 'self']);
    this.applied = key;
    const changed = [routes, neighs, fdb].reduce((n, d) => n + d.replace.length + d.remove.length, 0);
    if (changed > 0) {
      this.opts.log.info(
        { peers: peers.map((p) => p.nodeId), changed, removed: routes.remove.map(([dst]) => dst) },
        'overlay entries changed',
      );
    }
  }

  /** flvx0 as wanted: made anew if its VXLAN settings differ, else MTU, MAC, address and state put right. */
  private async ensureDevice(): Promise<void> {
    const { subnet, underlay, log } = this.opts;
    const mac = overlayMac(subnet);
    let link = await readLink();
    if (link && !vxlanMatches(link, underlay)) {
      log.info({ device: OVERLAY_DEVICE }, 'overlay device has other VXLAN settings: made anew');
      await systemTool(['ip', 'link', 'del', OVERLAY_DEVICE]);
      link = undefined;
    }
    if (!link) {
      const vxlan = ['id', VNI, 'dstport', VXLAN_PORT, 'local', underlay, 'nolearning'];
      await systemTool(['ip', 'link', 'add', OVERLAY_DEVICE, 'type', 'vxlan', ...vxlan]);
    }
    if (link?.mtu !== OVERLAY_MTU)
      await systemTool(['ip', 'link', 'set', OVERLAY_DEVICE, 'mtu', String(OVERLAY_MTU)]);
    // Only when it differs: setting a MAC flushes the device's neighbours (the first apply puts them back).
    if (link?.address !== mac) await systemTool(['ip', 'link', 'set', OVERLAY_DEVICE, 'address', mac]);
    await this.ensureAddress();
    if (!link?.flags.includes('UP')) await systemTool(['ip', 'link', 'set', OVERLAY_DEVICE, 'up']);
  }

  /** The subnet's network address as flvx0's only IPv4 address. */
  private async ensureAddress(): Promise<void> {
    const wanted = `${networkAddress(this.opts.subnet)}/32`;
    const [link] = JSON.parse(
      await systemTool(['ip', '-4', '-j', 'addr', 'show', 'dev', OVERLAY_DEVICE]),
    ) as {
      addr_info: { local: string; prefixlen: number }[];
    }[];
    const present = (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
    for (const addr of present.filter((a) => a !== wanted))
      await systemTool(['ip', 'addr', 'del', addr, 'dev', OVERLAY_DEVICE]);
    if (!present.includes(wanted)) await systemTool(['ip', 'addr', 'add', wanted, 'dev', OVERLAY_DEVICE]);
  }

  /**
   * Traffic between container subnets keeps its addresses (returned from POSTROUTING ahead of
   * the bridge's masquerade rule, `-s SUBNET ! -o flotilla0`) and passes FORWARD both ways.
   */
  private async ensureRules(): Promise<void> {
    await ensureRulesFirst([
      { table: 'nat', chain: 'POSTROUTING', rule: ['-o', OVERLAY_DEVICE, ...COMMENT, '-j', 'RETURN'] },
      { table: 'filter', chain: 'FORWARD', rule: ['-i', OVERLAY_DEVICE, ...COMMENT, '-j', 'ACCEPT'] },
      { table: 'filter', chain: 'FORWARD', rule: ['-o', OVERLAY_DEVICE, ...COMMENT, '-j', 'ACCEPT'] },
    ]);
  }
}

/** The entries in a canonical form, to compare with the last applied. */
function serialize(entries: OverlayEntries): string {
  return JSON.stringify(Object.values(entries).map((m: Map<string, string>) => [...m].sort()));
}

/** flvx0 as `ip` shows it, or undefined if there is none. */
async function readLink(): Promise<DeviceInfo | undefined> {
  const res = await trySystemTool(['ip', '-j', '-d', 'link', 'show', 'dev', OVERLAY_DEVICE]);
  return res.exitCode === 0 ? (JSON.parse(res.stdout) as DeviceInfo[])[0] : undefined;
}
