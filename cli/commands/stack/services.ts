/** `cluster stack services`: the services of a stack, as `service ls` lists them. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { isJob } from '../../../proto/types.js';
import { addListOptions, listingPrinter, printListing, type ListOptions } from '../../listing.js';
import { SERVICES } from '../../service-listing.js';
import type { Connect } from '../types.js';
import { servicesOf } from './services-of.js';

export function servicesCommand(stack: Command, connect: Connect): Command {
  return addListOptions(
    stack
      .command('services')
      .description('list the services of a stack, as `service ls`')
      .argument('<stack>'),
    SERVICES,
  ).action(async (name: string, o: ListOptions) => {
    const print = listingPrinter(SERVICES, o);
    const client = connect();
    const services = await servicesOf(client, name);
    const completed = new Map<string, number>();
    if (services.some((s) => isJob(s.service?.spec))) {
      const ids = services.map((s) => s.service!.id);
      const { tasks } = await call(client, client.ListTasks, { services: ids, nodes: [] });
      for (const t of tasks) {
        if (t.status?.state === 'COMPLETE') completed.set(t.serviceId, (completed.get(t.serviceId) ?? 0) + 1);
      }
    }
    const items = services
      .sort((a, b) => (a.service?.spec?.name ?? '').localeCompare(b.service?.spec?.name ?? ''))
      .map((summary) => ({ summary, completed: completed.get(summary.service?.id ?? '') ?? 0 }));
    printListing(print(items));
  });
}
