/** `cluster network ...`: create, ls, inspect, rm of overlay networks. */
import type { Command } from 'commander';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { NetworkInfo } from '../../proto/gen/flotilla/NetworkInfo.js';
import { call } from '../../proto/rpc.js';
import { collect, labels, printInspected } from '../format.js';
import {
  addListOptions,
  idFilter,
  labelFilter,
  listingPrinter,
  nameFilter,
  printListing,
  type Listing,
  type ListOptions,
} from '../listing.js';

type Connect = () => ControlClient;
export function networkCommands(program: Command, connect: Connect): void {
  const network = program.command('network').description('manage overlay networks');

  network
    .command('create')
    .description('create an overlay network, which services join with --network')
    .argument('<name>')
    .option('--driver <driver>', 'overlay (the only driver)', 'overlay')
    .option('--subnet <cidr>', 'IPv4 subnet, e.g. 10.30.0.0/24 (default: a free /24 of 10.214.0.0/16)')
    .option('--label <KEY=VALUE>', 'network label (repeatable)', collect, [])
    .action(async (name: string, o: { driver: string; subnet?: string; label: string[] }) => {
      const client = connect();
      const spec = { name, driver: o.driver, subnet: o.subnet ?? '', labels: labels('--label', o.label) };
      const res = await call(client, client.CreateNetwork, { spec });
      console.log(res.network?.id);
    });

  addListOptions(network.command('ls').description('list networks'), NETWORKS).action(
    async (o: ListOptions) => {
      const print = listingPrinter(NETWORKS, o);
      const client = connect();
      const { networks } = await call(client, client.ListNetworks, {});
      const sorted = networks.sort((a, b) =>
        (a.network?.spec?.name ?? '').localeCompare(b.network?.spec?.name ?? ''),
      );
      printListing(print(sorted));
    },
  );

  network
    .command('inspect')
    .description('show networks in full, as JSON')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      await printInspected(refs, (ref) => call(client, client.GetNetwork, { network: ref }));
    });

  network
    .command('rm')
    .description('remove networks no service is attached to')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      for (const ref of refs) {
        await call(client, client.RemoveNetwork, { network: ref });
        console.log(ref);
      }
    });
}

/** `network ls`: its fields, filters and table. */
export const NETWORKS: Listing<NetworkInfo> = {
  columns: [
    {
      field: 'ID',
      header: 'ID',
      value: (i) => i.network?.id ?? '',
      cell: (i) => i.network?.id.slice(0, 12) ?? '',
    },
    { field: 'Name', header: 'NAME', value: (i) => i.network?.spec?.name ?? '' },
    { field: 'Driver', header: 'DRIVER', value: (i) => i.network?.spec?.driver ?? '' },
    // Every network spans the cluster.
    { field: 'Scope', header: 'SCOPE', value: () => 'swarm', extra: true },
    { field: 'Subnet', header: 'SUBNET', value: (i) => i.network?.spec?.subnet ?? '' },
    { field: 'Services', header: 'SERVICES', value: (i) => i.services.join(',') || '-' },
    { field: 'Tasks', header: 'TASKS', value: (i) => String(i.attachedTasks) },
  ],
  filters: {
    id: idFilter((i) => i.network?.id ?? ''),
    name: nameFilter((i) => i.network?.spec?.name ?? ''),
    label: labelFilter((i) => i.network?.spec?.labels),
  },
  id: (i) => i.network?.id ?? '',
  raw: (i) => i,
};
