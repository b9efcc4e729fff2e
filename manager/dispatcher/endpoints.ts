/**
 * The endpoint table every node's mesh and resolver work from: for each service with
 * published ports or overlay networks, the addresses of its tasks that run and are meant to
 * (where each task's published targets answer, and its address on each network). A task leaves the
 * table as soon as its desired state moves past RUNNING, before its node is told to stop it
 * (the dispatcher flushes the table ahead of assignments), so no new connection is sent to
 * a task on its way out. Nodes get the whole table when their session opens and, after
 * that, only the services whose entry changed: a change costs the same on every node
 * however many services the cluster publishes.
 */
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import type { Task } from '../../proto/types.js';
import type { ReadTx, StoreEvent } from '../store/types.js';

/** Batches changes: a burst of task events makes one set of changes. */
const SETTLE_MS = 10;

/** A service's entry, or undefined when it publishes nothing and joins no network (or is gone). */
function serviceEndpoints(tx: ReadTx, serviceId: string): ServiceEndpoints | undefined {
  const s = tx.get('services', serviceId);
  const ports = s?.endpoint?.ports ?? [];
  if (!s || (ports.length === 0 && !s.spec?.task?.networks.length)) return undefined;
  const tasks = tx
    .tasksByService(s.id)
    .filter(
      (t) =>
        t.desiredState === 'RUNNING' &&
        t.status?.state === 'RUNNING' &&
        (t.status.addresses || t.networks.length > 0),
    )
    .map((t) => ({
      taskId: t.id,
      nodeId: t.nodeId,
      ports: t.status?.addresses?.ports ?? [],
      networkAddrs: Object.fromEntries(t.networks.map((a) => [a.networkId, a.address.split('/')[0]!])),
    }))
    .sort((a, b) => a.taskId.localeCompare(b.taskId));
  return {
    serviceId: s.id,
    serviceName: s.spec?.name ?? '',
    ports,
    lb: s.spec?.endpoint?.lb ?? 'ROUND_ROBIN',
    proxyProtocol: s.spec?.endpoint?.proxyProtocol ?? false,
    mesh: s.spec?.endpoint?.mesh ?? 'MESH_AUTO',
    tasks,
  };
}

const inTable = (t: Task): boolean => Boolean(t.endpoint) || t.networks.length > 0;

/** Recomputes the entries of services that events touched and hands on what changed. */
export class EndpointPublisher {
  /** Every published service's entry, and its encoding to tell a change from a repeat. */
  private readonly entries = new Map<string, { entry: ServiceEndpoints; key: string }>();
  /** Services to recompute; all of them before the first flush. */
  private readonly dirty = new Set<string>();
  private everything = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: <T>(fn: (tx: ReadTx) => T) => T,
    private readonly publish: (changes: EndpointChanges) => void,
  ) {}

  /** Notes a store event; services, and tasks of published or attached services, change the table. */
  note(e: StoreEvent): void {
    if (e.table === 'services') this.markDirty(e.object.id);
    else if (e.table === 'tasks' && (inTable(e.object) || (e.old && inTable(e.old))))
      this.markDirty(e.object.serviceId);
  }

  /** Brings the table up to date, publishing what changed, if anything. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.everything && this.dirty.size === 0) return;
    const changes: EndpointChanges = { full: false, services: [], removedServiceIds: [] };
    this.view((tx) => {
      const ids = this.everything ? new Set(tx.all('services').map((s) => s.id)) : this.dirty;
      for (const id of ids) {
        const entry = serviceEndpoints(tx, id);
        if (!entry) {
          if (this.entries.delete(id)) changes.removedServiceIds.push(id);
          continue;
        }
        const key = JSON.stringify(entry);
        if (this.entries.get(id)?.key === key) continue;
        this.entries.set(id, { entry, key });
        changes.services.push(entry);
      }
    });
    this.everything = false;
    this.dirty.clear();
    if (changes.services.length + changes.removedServiceIds.length > 0) this.publish(changes);
  }

  /** The whole table as it is now, for a session that opens (after a flush, so nothing is pending). */
  full(): EndpointChanges {
    this.flush();
    return { full: true, services: [...this.entries.values()].map((e) => e.entry), removedServiceIds: [] };
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private markDirty(serviceId: string): void {
    this.dirty.add(serviceId);
    this.timer ??= setTimeout(() => this.flush(), SETTLE_MS);
  }
}
