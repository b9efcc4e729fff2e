/** `service ls`: its fields, filters and table; a job's replicas are its completed tasks. */
import type { Command } from 'commander';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import type { ServiceSummary } from '../proto/gen/flotilla/ServiceSummary.js';
import { isJob } from '../proto/types.js';
import { portsColumn } from './commands/service/flags/publish.js';
import { MODES, modeName } from './commands/service/modes.js';
import {
  idFilter,
  labelFilter,
  listingCommand,
  listingFilter,
  nameFilter,
  rowLimit,
  type Listing,
} from './listing.js';
import { allServices, allTasks } from './pages.js';

export interface ServiceItem {
  summary: ServiceSummary;
  /** A job's tasks that have completed. */
  completed: number;
}

function replicas({ summary, completed }: ServiceItem): string {
  return isJob(summary.service?.spec)
    ? `${completed}/${summary.desiredTasks} completed`
    : `${summary.runningTasks}/${summary.desiredTasks}`;
}

export const SERVICES: Listing<ServiceItem> = {
  columns: [
    {
      field: 'ID',
      header: 'ID',
      value: (i) => i.summary.service?.id ?? '',
      cell: (i) => i.summary.service?.id.slice(0, 12) ?? '',
    },
    { field: 'Name', header: 'NAME', value: (i) => i.summary.service?.spec?.name ?? '' },
    { field: 'Mode', header: 'MODE', value: (i) => modeName(i.summary.service?.spec) },
    { field: 'Replicas', header: 'REPLICAS', value: replicas },
    { field: 'Image', header: 'IMAGE', value: (i) => i.summary.service?.spec?.task?.container?.image ?? '' },
    { field: 'Ports', header: 'PORTS', value: (i) => portsColumn(i.summary.service?.endpoint?.ports) },
  ],
  filters: {
    id: idFilter((i) => i.summary.service?.id ?? ''),
    name: nameFilter((i) => i.summary.service?.spec?.name ?? ''),
    label: labelFilter((i) => i.summary.service?.spec?.labels),
    mode: { match: (i, mode) => modeName(i.summary.service?.spec) === mode, values: Object.keys(MODES) },
  },
  id: (i) => i.summary.service?.id ?? '',
  raw: (i) => i.summary,
};

/** Makes `cmd` list the services, with the listing options (and --limit). */
export function serviceListCommand(cmd: Command, connect: () => ControlClient): Command {
  return listingCommand(
    cmd,
    SERVICES,
    async (o) => {
      const keep = listingFilter(SERVICES, o);
      const client = connect();
      const services = await allServices(client, undefined, {
        limit: rowLimit(o),
        // The filters look at the service only, not at its completed tasks.
        keep: keep && ((summary) => keep({ summary, completed: 0 })),
      });
      return serviceItems(client, services);
    },
    true,
  );
}

/** The rows of `service ls` for these services, by name: a job's row counts its completed tasks. */
export async function serviceItems(
  client: ControlClient,
  services: ServiceSummary[],
): Promise<ServiceItem[]> {
  const jobs = services.flatMap((s) => (s.service && isJob(s.service.spec) ? [s.service.id] : []));
  const completed = new Map<string, number>();
  if (jobs.length) {
    const { tasks } = await allTasks(client, { services: jobs });
    for (const t of tasks) {
      if (t.status?.state === 'COMPLETE') completed.set(t.serviceId, (completed.get(t.serviceId) ?? 0) + 1);
    }
  }
  return services
    .sort((a, b) => (a.service?.spec?.name ?? '').localeCompare(b.service?.spec?.name ?? ''))
    .map((summary) => ({ summary, completed: completed.get(summary.service?.id ?? '') ?? 0 }));
}
