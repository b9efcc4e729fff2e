/**
 * The cluster's endpoint table as this node knows it: the whole table from the first message
 * of a session, then the changes the managers send after it (see manager/dispatcher/endpoints.ts).
 */
import type { EndpointChanges } from '../proto/gen/flotilla/EndpointChanges.js';
import type { EndpointTable } from '../proto/gen/flotilla/EndpointTable.js';
import type { ServiceEndpoints } from '../proto/gen/flotilla/ServiceEndpoints.js';

export class EndpointView {
  private readonly services = new Map<string, ServiceEndpoints>();

  /** Takes changes in. */
  apply(changes: EndpointChanges): void {
    if (changes.full) this.services.clear();
    for (const id of changes.removedServiceIds) this.services.delete(id);
    for (const s of changes.services) this.services.set(s.serviceId, s);
  }

  /** The whole table, services by name. */
  table(): EndpointTable {
    return {
      services: [...this.services.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName)),
    };
  }
}
