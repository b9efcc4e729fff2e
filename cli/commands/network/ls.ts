/** `cluster network ls`: the networks, with their fields, filters and table. */
import type { Command } from 'commander';
import type { NetworkInfo } from '../../../proto/gen/flotilla/NetworkInfo.js';
import { call } from '../../../proto/rpc.js';
import { idFilter, labelFilter, listingCommand, nameFilter, type Listing } from '../../listing.js';
import type { Connect } from '../types.js';

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

export function lsCommand(network: Command, connect: Connect): Command {
  return listingCommand(network.command('ls').description('list networks'), NETWORKS, async () => {
    const client = connect();
    const { networks } = await call(client, client.ListNetworks, {});
    return networks.sort((a, b) => (a.network?.spec?.name ?? '').localeCompare(b.network?.spec?.name ?? ''));
  });
}
