/** `cluster stack ls`: the stacks, as the namespaces of the services labelled with one. */
import type { Command } from 'commander';
import { listingCommand, nameFilter, type Listing } from '../../listing.js';
import { NAMESPACE_LABEL } from '../../stack/compose-to-spec.js';
import type { Connect } from '../types.js';
import { allServices } from '../../pages.js';

interface StackItem {
  name: string;
  services: number;
}

const STACKS: Listing<StackItem> = {
  columns: [
    { field: 'Name', header: 'NAME', value: (i) => i.name },
    { field: 'Services', header: 'SERVICES', value: (i) => String(i.services) },
  ],
  filters: { name: nameFilter((i) => i.name) },
  id: (i) => i.name,
  raw: (i) => i,
};

export function lsCommand(stack: Command, connect: Connect): Command {
  return listingCommand(
    stack.command('ls').description(`list stacks: the namespaces of services labelled ${NAMESPACE_LABEL}`),
    STACKS,
    async () => {
      const services = await allServices(connect());
      const counts = new Map<string, number>();
      for (const s of services) {
        const ns = s.service?.spec?.labels[NAMESPACE_LABEL];
        if (ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
      }
      return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => ({ name, services: n }));
    },
  );
}
