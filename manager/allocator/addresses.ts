/**
 * Task addresses on overlay networks. The scheduler gives a task its addresses in the write
 * that assigns its node; an address stays taken until the task is deleted from the store
 * (its container, stopped or not, may hold it until then). Kept in memory from the task
 * events, as the scheduler's usage is, so a placement costs per network, not per task stored.
 * Addresses are handed out next-fit, so one just freed is the last to be given again.
 */
import { numberToIpv4, parseSubnet, ipv4ToNumber } from '../../lib/ipv4.js';
import type { Network, NetworkAttachment, Task } from '../../proto/types.js';

export class NetworkAddresses {
  /** Per network id, the addresses (as numbers) tasks hold. */
  private readonly used = new Map<string, Set<number>>();
  private readonly byTask = new Map<string, { networkId: string; n: number }[]>();
  /** Per network id, where the next search starts. */
  private readonly cursor = new Map<string, number>();

  /** Notes the addresses a task holds (once; a task's attachments never change). */
  track(task: Task): void {
    if (task.networks.length === 0 || this.byTask.has(task.id)) return;
    const held = task.networks.map((a) => ({
      networkId: a.networkId,
      n: ipv4ToNumber(a.address.split('/')[0]!),
    }));
    for (const { networkId, n } of held) this.usedOf(networkId).add(n);
    this.byTask.set(task.id, held);
  }

  forget(taskId: string): void {
    for (const { networkId, n } of this.byTask.get(taskId) ?? []) this.used.get(networkId)?.delete(n);
    this.byTask.delete(taskId);
  }

  /**
   * An address for the task on each network, taken at once; or, when a network has none
   * free, the reason (and nothing taken).
   */
  allocate(taskId: string, networks: Network[]): NetworkAttachment[] | string {
    const out: NetworkAttachment[] = [];
    for (const network of networks) {
      const subnet = parseSubnet(network.spec?.subnet ?? '');
      const n = subnet && this.free(network.id, subnet);
      if (!subnet || n === undefined) {
        for (const a of out) this.usedOf(a.networkId).delete(hostOf(a));
        return `network ${network.spec?.name} has no free address (${network.spec?.subnet})`;
      }
      this.usedOf(network.id).add(n);
      out.push({
        networkId: network.id,
        networkName: network.spec?.name ?? '',
        vni: network.vni,
        address: `${numberToIpv4(n)}/${subnet.prefix}`,
      });
    }
    this.hold(taskId, out);
    return out;
  }

  private hold(taskId: string, attachments: NetworkAttachment[]): void {
    const held = attachments.map((a) => ({ networkId: a.networkId, n: hostOf(a) }));
    for (const { networkId, n } of held) this.usedOf(networkId).add(n);
    this.byTask.set(taskId, held);
  }

  /** The next free host address after the cursor (network and broadcast addresses excluded). */
  private free(networkId: string, { base, prefix }: { base: number; prefix: number }): number | undefined {
    const hosts = 2 ** (32 - prefix) - 2;
    const used = this.usedOf(networkId);
    const start = this.cursor.get(networkId) ?? 0;
    for (let i = 0; i < hosts; i++) {
      const offset = (start + i) % hosts;
      const n = base + 1 + offset;
      if (!used.has(n)) {
        this.cursor.set(networkId, offset + 1);
        return n;
      }
    }
    return undefined;
  }

  private usedOf(networkId: string): Set<number> {
    let set = this.used.get(networkId);
    if (!set) this.used.set(networkId, (set = new Set()));
    return set;
  }
}

const hostOf = (a: NetworkAttachment): number => ipv4ToNumber(a.address.split('/')[0]!);
