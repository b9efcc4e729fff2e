/**
 * The addresses of a node's containers on its bridge, kept by the node: one lease file per
 * address in `dir`, named by the address and holding the container's id. A lease is taken by
 * creating its file exclusively, so driver instances (an agent and the one that replaces it,
 * or a short-lived one beside it) never hand out one address twice, and a restarted agent
 * finds every address still in use. Addresses are handed out round-robin from the one after
 * the last taken, so a just-released address is not reused at once (peers may still hold it
 * in their ARP caches and conntrack entries).
 *
 * The subnet's first address is the gateway (the bridge's own) and its last the broadcast
 * address: neither is handed out.
 */
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { ipv4ToNumber, numberToIpv4, parseSubnet } from '../../lib/ipv4.js';

export class AddressPool {
  private readonly first: number;
  private readonly last: number;
  /** The leases this instance knows of, by address (others' may be newer: the files decide). */
  private readonly leases = new Map<number, string>();
  /** Addresses whose lease files this instance is creating now. */
  private readonly taking = new Set<number>();
  private loaded: Promise<void> | undefined;
  private cursor: number;

  constructor(
    readonly subnet: string,
    private readonly dir: string,
  ) {
    const parsed = parseSubnet(subnet);
    if (!parsed) throw invalidArgument('subnet', 'an IPv4 CIDR such as 10.213.0.0/16', subnet);
    this.first = parsed.base + 2;
    this.last = parsed.base + 2 ** (32 - parsed.prefix) - 2;
    this.cursor = this.last;
  }

  /** A free address of the subnet for the container, leased to it until release(). */
  async allocate(id: string): Promise<string> {
    await this.load();
    for (let pass = 0; pass < 2; pass++) {
      const size = this.last - this.first + 1;
      for (let i = 1; i <= size; i++) {
        const n = this.first + ((this.cursor - this.first + i) % size);
        if (this.leases.has(n) || this.taking.has(n)) continue;
        if (await this.take(n, id)) {
          this.cursor = n;
          return numberToIpv4(n);
        }
      }
      // Every address seemed taken: another instance may have released some meanwhile.
      await this.reload();
    }
    throw new FlotillaError(
      'RESOURCE_EXHAUSTED',
      `no free address for a container in subnet ${this.subnet}: all ${this.last - this.first + 1} are in use; remove containers or give the node a larger subnet (--container-network bridge:NAME:CIDR)`,
    );
  }

  /**
   * Leases `ip` to the container if it is free (a container that had it before this pool's
   * files did, e.g. made before an upgrade); false if another container holds it.
   */
  async reserve(ip: string, id: string): Promise<boolean> {
    await this.load();
    const n = this.inSubnet(ip);
    if (n === undefined) return false;
    if (await this.take(n, id)) return true;
    return (await this.holder(n)) === id;
  }

  /** Releases the container's address, if it has one here; idempotent. */
  async release(id: string): Promise<void> {
    await this.load();
    let n = this.addressOf(id);
    if (n === undefined) {
      await this.reload();
      n = this.addressOf(id);
    }
    if (n === undefined) return;
    // Only if still the container's (the lease file is the truth).
    if ((await this.holder(n)) === id) await rm(this.path(n), { force: true });
    this.leases.delete(n);
  }

  /**
   * Brings the leases in line with the containers that exist (id → the address their records
   * say): a container's address with no lease here (e.g. leased before this pool kept the
   * node's addresses) is leased to it again; returns the ids of containers that hold leases
   * but exist no more, whose networks the caller removes (releasing their addresses).
   */
  async reconcile(
    containers: Map<string, string | undefined>,
    warn: (id: string, ip: string) => void,
  ): Promise<string[]> {
    const held = await this.held();
    for (const [id, ip] of containers) {
      if (ip === undefined || held.has(id)) continue;
      if (!(await this.reserve(ip, id))) warn(id, ip);
    }
    return [...held.keys()].filter((id) => !containers.has(id));
  }

  /** The containers that hold addresses here, with their addresses. */
  async held(): Promise<Map<string, string>> {
    await this.reload();
    return new Map([...this.leases].map(([n, id]) => [id, numberToIpv4(n)]));
  }

  private addressOf(id: string): number | undefined {
    for (const [n, holder] of this.leases) if (holder === id) return n;
    return undefined;
  }

  /** Creates the lease file unless it exists; whether this call took the address. */
  private async take(n: number, id: string): Promise<boolean> {
    // Marked before the file exists, so that concurrent allocations here skip it.
    this.taking.add(n);
    try {
      const file = await open(this.path(n), 'wx');
      try {
        await file.writeFile(id);
      } finally {
        await file.close();
      }
      this.leases.set(n, id);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Held by another: learn by whom (an empty file is one being written now).
      this.leases.set(n, (await this.holder(n)) ?? '');
      return false;
    } finally {
      this.taking.delete(n);
    }
  }

  private async holder(n: number): Promise<string | undefined> {
    return readFile(this.path(n), 'utf8').catch(() => undefined);
  }

  private inSubnet(ip: string): number | undefined {
    if (!isIPv4(ip)) return undefined;
    const n = ipv4ToNumber(ip);
    return n >= this.first && n <= this.last ? n : undefined;
  }

  private path(n: number): string {
    return join(this.dir, numberToIpv4(n));
  }

  private load(): Promise<void> {
    this.loaded ??= this.reload().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }

  /** The leases as the files say; files of other subnets (a node's earlier one) are ignored. */
  private async reload(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found = new Map<number, string>();
    for (const name of await readdir(this.dir)) {
      const n = this.inSubnet(name);
      if (n === undefined) continue;
      const id = await this.holder(n);
      if (id !== undefined) found.set(n, id);
    }
    this.leases.clear();
    for (const [n, id] of found) this.leases.set(n, id);
  }
}
