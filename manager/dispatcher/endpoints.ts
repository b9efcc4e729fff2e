/**
 * The endpoint table every node's mesh and resolver work from: for each service with
 * published ports, the addresses of its tasks that run and are meant to. A task leaves the
 * table as soon as its desired state moves past RUNNING, before its node is told to stop it
 * (the dispatcher flushes the table ahead of assignments), so no new connection is sent to
 * a task on its way out.
 */
import type { EndpointTable } from '../../proto/gen/flotilla/EndpointTable.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import type { ReadTx, StoreEvent } from '../store/types.js';

/** Batches changes: a burst of task events makes one table. */
const SETTLE_MS = 10;

function endpointTable(tx: ReadTx): EndpointTable {
  const services: ServiceEndpoints[] = [];
  for (const s of tx.all('services')) {
    const ports = s.endpoint?.ports ?? [];
    if (ports.length === 0) continue;
    const tasks = tx
      .tasksByService(s.id)
      .filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING' && t.status.addresses)
      .map((t) => ({ taskId: t.id, nodeId: t.nodeId, ports: t.status?.addresses?.ports ?? [] }))
      .sort((a, b) => a.taskId.localeCompare(b.taskId));
    services.push({
      serviceId: s.id,
      serviceName: s.spec?.name ?? '',
      ports,
      lb: s.spec?.endpoint?.lb ?? 'ROUND_ROBIN',
      proxyProtocol: s.spec?.endpoint?.proxyProtocol ?? false,
      tasks,
    });
  }
  services.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  return { services };
}

/** Recomputes the table after relevant events and hands it on when it changed. */
export class EndpointPublisher {
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  current: EndpointTable = { services: [] };

  constructor(
    private readonly view: <T>(fn: (tx: ReadTx) => T) => T,
    private readonly publish: (table: EndpointTable) => void,
  ) {}

  /** Notes a store event; services and tasks of published services change the table. */
  note(e: StoreEvent): void {
    if (e.table === 'services') this.markDirty();
    else if (e.table === 'tasks' && (e.object.endpoint || e.old?.endpoint)) this.markDirty();
  }

  /** The table as it is now (computed if something changed), publishing it if it differs. */
  flush(): EndpointTable {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.current;
    this.dirty = false;
    const table = this.view(endpointTable);
    const key = JSON.stringify(table);
    if (key !== this.last) {
      this.last = key;
      this.current = table;
      this.publish(table);
    }
    return this.current;
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private markDirty(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => this.flush(), SETTLE_MS);
  }
}
