/**
 * The tasks of one service at one spec version are alike, so a pass filters the nodes for
 * them once and then, per task, only checks what changes as tasks land: room on each node.
 */
import type { Node, Service, Task } from '../../proto/types.js';
import { explain, filtersFor, fitFiltersFor, type FitFilter } from './filters.js';
import { SpreadHeap } from './spread-heap.js';
import { Ranking, type Candidate } from './strategy.js';
import type { Usage } from './usage.js';

export class TaskGroup {
  private readonly ranking: Ranking;
  private readonly fits: FitFilter[];
  private readonly refusals = new Map<string, number>();
  /** Set once a task found no node: nodes only fill up during a pass, so the next ones won't either. */
  private unplaceable: string | undefined;
  /** Where a plain spread finds its best node (see spread-heap.ts). */
  private heap: SpreadHeap | undefined;

  constructor(
    task: Task,
    private readonly nodes: readonly Node[],
    usage: Usage,
    services: () => readonly Service[],
  ) {
    const filters = filtersFor(task);
    const eligible = nodes.filter((node) => {
      const refused = filters.find((f) => !f.accepts(node, task));
      if (refused) this.refusals.set(refused.reason, (this.refusals.get(refused.reason) ?? 0) + 1);
      return !refused;
    });
    this.ranking = new Ranking(task, eligible, (id) => usage.of(id));
    this.fits = fitFiltersFor(task, services);
    if (this.ranking.plainSpread) this.heap = new SpreadHeap(this.ranking.candidates, task.serviceId);
  }

  /** The best node for the next task of the group, or the reason none fits. */
  pick(): Candidate | string {
    if (this.unplaceable) return this.unplaceable;
    const top = this.heap?.best((c) => this.fits.every((f) => f.accepts(c.node, c.usage)));
    if (top) return top;
    // No heap, or no node fits: the scan, which also counts the reasons.
    this.heap = undefined;
    const refusals = new Map(this.refusals);
    let best: Candidate | undefined;
    for (const c of this.ranking.candidates) {
      const refused = this.fits.find((f) => !f.accepts(c.node, c.usage));
      if (refused) refusals.set(refused.reason, (refusals.get(refused.reason) ?? 0) + 1);
      else if (!best || this.ranking.better(c, best)) best = c;
    }
    return best ?? (this.unplaceable = explain(refusals, this.nodes.length));
  }

  /** Notes that a task of the group went to `c` (its usage is already counted by the caller). */
  placed(c: Candidate): void {
    this.ranking.placed(c);
  }
}
