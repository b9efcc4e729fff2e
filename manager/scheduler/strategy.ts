/**
 * The order among the nodes that can take a task. Placement preferences come first: the
 * nodes are grouped by the value of each preference label in turn (nodes without the label
 * form a group of their own) and the group holding the fewest tasks of the service wins,
 * level by level. Then the strategy: SPREAD takes the node with the fewest tasks of the
 * service, then the fewest tasks in all; BINPACK the fullest node (reserved cpu and memory
 * as shares of the node's), then the most tasks.
 */
import type { Node, Task } from '../../proto/types.js';
import { nodeValue } from './constraints.js';
import type { NodeUsage } from './usage.js';

export interface Candidate {
  readonly node: Node;
  readonly usage: NodeUsage;
  /** One key per preference level: the label values down to that level. */
  readonly groups: readonly string[];
}

export class Ranking {
  readonly candidates: readonly Candidate[];
  /** Tasks of the service per preference group key. */
  private readonly perGroup = new Map<string, number>();
  private readonly binpack: boolean;
  /** Plain spread: the order is each node's own counts only (see spread-heap.ts). */
  readonly plainSpread: boolean;

  constructor(
    private readonly task: Task,
    nodes: readonly Node[],
    usage: (nodeId: string) => NodeUsage,
  ) {
    this.binpack = task.spec?.placement?.strategy === 'BINPACK';
    const labels = (task.spec?.placement?.preferences ?? []).map((p) => p.spread);
    this.plainSpread = !this.binpack && labels.length === 0;
    this.candidates = nodes.map((node) => {
      let key = '';
      // "\0" cannot be in a label value, so keys of different paths never collide; a missing
      // label is its own value.
      const groups = labels.map((l) => (key += `\0${nodeValue(node, l) ?? '\u0001missing'}`));
      const u = usage(node.id);
      const mine = u.byService.get(task.serviceId) ?? 0;
      for (const g of groups) this.perGroup.set(g, (this.perGroup.get(g) ?? 0) + mine);
      return { node, usage: u, groups };
    });
  }

  /** Notes a task of the service placed on the candidate. */
  placed(c: Candidate): void {
    for (const g of c.groups) this.perGroup.set(g, (this.perGroup.get(g) ?? 0) + 1);
  }

  /** True when `a` should take the task before `b`. */
  better(a: Candidate, b: Candidate): boolean {
    for (let i = 0; i < a.groups.length; i++) {
      const d = (this.perGroup.get(a.groups[i]!) ?? 0) - (this.perGroup.get(b.groups[i]!) ?? 0);
      if (d !== 0) return d < 0;
    }
    if (this.binpack) {
      const d = fullness(a) - fullness(b);
      if (d !== 0) return d > 0;
      return a.usage.total > b.usage.total;
    }
    const s = this.task.serviceId;
    const d = (a.usage.byService.get(s) ?? 0) - (b.usage.byService.get(s) ?? 0);
    if (d !== 0) return d < 0;
    return a.usage.total < b.usage.total;
  }
}

function fullness(c: Candidate): number {
  const r = c.node.description?.resources;
  const share = (used: number, have: number | undefined) => (have ? used / have : 0);
  return share(c.usage.nanoCpus, r?.nanoCpus) + share(c.usage.memoryBytes, r?.memoryBytes);
}
