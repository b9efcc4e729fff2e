/**
 * Chooses the task a new connection or flow goes to: round-robin, or the task with the
 * fewest open connections through this node (least-conn). Open counts outlive changes of
 * the task list, so a task that stays keeps its count.
 */
import type { LoadBalancing } from '../../proto/gen/flotilla/LoadBalancing.js';

export class Balancer {
  private upstreams: string[] = [];
  private next = 0;
  private readonly open = new Map<string, number>();

  constructor(private lb: LoadBalancing = 'ROUND_ROBIN') {}

  set(upstreams: readonly string[], lb: LoadBalancing): void {
    this.upstreams = [...upstreams];
    this.lb = lb;
    for (const addr of this.open.keys()) if (!upstreams.includes(addr)) this.open.delete(addr);
  }

  has(addr: string): boolean {
    return this.upstreams.includes(addr);
  }

  get size(): number {
    return this.upstreams.length;
  }

  /** The next upstream, leaving out those already tried for this connection; undefined when none is left. */
  pick(tried?: ReadonlySet<string>): string | undefined {
    const n = this.upstreams.length;
    let best: string | undefined;
    for (let i = 0; i < n; i++) {
      const addr = this.upstreams[(this.next + i) % n] as string;
      if (tried?.has(addr)) continue;
      if (this.lb === 'ROUND_ROBIN') {
        this.next = (this.next + i + 1) % n;
        return addr;
      }
      if (best === undefined || this.openTo(addr) < this.openTo(best)) best = addr;
    }
    if (best !== undefined) this.next = (this.upstreams.indexOf(best) + 1) % n;
    return best;
  }

  acquire(addr: string): void {
    this.open.set(addr, this.openTo(addr) + 1);
  }

  release(addr: string): void {
    const n = this.openTo(addr) - 1;
    if (n > 0) this.open.set(addr, n);
    else this.open.delete(addr);
  }

  private openTo(addr: string): number {
    return this.open.get(addr) ?? 0;
  }
}
