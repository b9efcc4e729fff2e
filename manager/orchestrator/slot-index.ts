/**
 * The ids of each service's tasks by slot, kept by an orchestrator of slots from the store's
 * events, so that a pass reads the slots it visits without walking every task of the service
 * (the store indexes tasks by service and by node, not by slot: a walk of each touched
 * service per pass was most of the leader's time while 100,000 tasks rolled out).
 *
 * A service is in the index once all of its tasks were read (fill: at a new leader's start, a
 * slice a turn, or by a pass that read the service whole), and from then on follows the
 * events; a service not in it is read whole. It lags the store by the events not
 * taken in yet (fill reads a view that may be ahead of them: an event for what it already
 * holds changes nothing). The orchestrator's own new tasks are
 * added as soon as their write is in; tasks that others create in a replicated service's
 * slots (the updater's) exist only while the service is being updated, and every such
 * creation comes before the write that ends the update: `current` says when the index holds
 * every task of a service. A task removed meanwhile is read as absent (the view has the last
 * word), so a late removal does no harm.
 */
import type { Service, Task } from '../../proto/types.js';
import { updateInProgress } from '../../proto/service-update.js';
import type { ReadTx } from '../store/types.js';

/** A slot's task ids: one id (nearly every slot), or several (its history). */
type SlotIds = string | string[];

export class SlotIndex {
  private readonly services = new Map<string, Map<number, SlotIds>>();

  /** Takes the service's tasks (all of them, as a view has them) in place of what it held. */
  fill(serviceId: string, tasks: readonly Task[]): void {
    this.services.set(serviceId, new Map());
    for (const t of tasks) this.add(t);
  }

  /** A new task, for a service the index holds. */
  add(task: Task): void {
    const bySlot = this.services.get(task.serviceId);
    if (!bySlot) return;
    const ids = bySlot.get(task.slot);
    if (ids === undefined) bySlot.set(task.slot, task.id);
    else if (typeof ids === 'string') {
      if (ids !== task.id) bySlot.set(task.slot, [ids, task.id]);
    } else if (!ids.includes(task.id)) ids.push(task.id);
  }

  remove(task: Task): void {
    const bySlot = this.services.get(task.serviceId);
    const ids = bySlot?.get(task.slot);
    if (!bySlot || ids === undefined) return;
    if (typeof ids === 'string') {
      if (ids === task.id) bySlot.delete(task.slot);
      return;
    }
    const rest = ids.filter((id) => id !== task.id);
    if (rest.length === 1) bySlot.set(task.slot, rest[0]!);
    else bySlot.set(task.slot, rest);
  }

  /** The service is gone: it is read whole if it is ever seen again. */
  forget(serviceId: string): void {
    this.services.delete(serviceId);
  }

  /**
   * Whether the index holds every task of the service, given that the events up to store
   * index `seen` were taken in: it was filled, the service is not being updated, and its last
   * change (which comes after any task the updater created) was taken in.
   */
  current(service: Service, seen: number): boolean {
    return (
      this.services.has(service.id) && !updateInProgress(service) && (service.meta?.version ?? 0) <= seen
    );
  }

  /** The highest slot that holds a task of the service (0: none). */
  lastSlot(serviceId: string): number {
    let last = 0;
    for (const slot of this.services.get(serviceId)?.keys() ?? []) last = Math.max(last, slot);
    return last;
  }

  /** The service's tasks (as `tx` sees them) in the slots from `from` on (below `until`) and in `slots`. */
  tasks(tx: ReadTx, serviceId: string, from: number, slots: ReadonlySet<number>, until = Infinity): Task[] {
    const bySlot = this.services.get(serviceId);
    if (!bySlot) return [];
    const out: Task[] = [];
    const take = (ids: SlotIds | undefined) => {
      for (const id of typeof ids === 'string' ? [ids] : (ids ?? [])) {
        const task = tx.get('tasks', id);
        if (task) out.push(task);
      }
    };
    if (from === Infinity) for (const slot of slots) take(bySlot.get(slot));
    else if (until !== Infinity) {
      for (const slot of slots) if (slot < from) take(bySlot.get(slot));
      for (let slot = from; slot < until; slot++) take(bySlot.get(slot));
    } else for (const [slot, ids] of bySlot) if (slot >= from || slots.has(slot)) take(ids);
    return out;
  }
}
