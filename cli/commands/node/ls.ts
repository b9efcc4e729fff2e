/** `cluster node ls`: the nodes, with their fields, filters and table. */
import type { Command } from 'commander';
import type { Node } from '../../../proto/types.js';
import { titleCase } from '../../format.js';
import {
  idFilter,
  labelFilter,
  listingCommand,
  listingFilter,
  nameFilter,
  rowLimit,
  type Listing,
} from '../../listing.js';
import type { Connect } from '../types.js';
import { allNodes } from '../../pages.js';

/** `node ls`: its fields, filters and table. */
export const NODES: Listing<Node> = {
  columns: [
    { field: 'ID', header: 'ID', value: (n) => n.id, cell: (n) => n.id.slice(0, 12) },
    { field: 'Hostname', header: 'HOSTNAME', value: (n) => n.description?.hostname ?? '' },
    { field: 'Address', header: 'ADDRESS', value: (n) => n.status?.addr ?? '' },
    { field: 'Status', header: 'STATUS', value: (n) => titleCase(n.status?.state ?? 'UNKNOWN') },
    {
      field: 'Availability',
      header: 'AVAILABILITY',
      value: (n) => titleCase(n.spec?.availability ?? 'ACTIVE'),
    },
    { field: 'ManagerStatus', header: 'MANAGER STATUS', value: managerStatus },
    { field: 'EngineVersion', header: 'ENGINE VERSION', value: (n) => n.description?.version ?? '' },
  ],
  filters: {
    id: idFilter((n) => n.id),
    name: nameFilter((n) => n.description?.hostname ?? ''),
    label: labelFilter((n) => n.spec?.labels),
    role: { match: (n, role) => n.role === role.toUpperCase(), values: ['manager', 'worker'] },
  },
  id: (n) => n.id,
  raw: (n) => n,
};

/** Leader, Reachable or Unreachable, as the leader sees each manager; blank for workers. */
function managerStatus(n: Node): string {
  const m = n.managerStatus;
  if (!m) return '';
  if (m.leader) return 'Leader';
  return m.reachability === 'UNKNOWN' ? 'Unknown' : titleCase(m.reachability);
}

export function lsCommand(node: Command, connect: Connect): Command {
  return listingCommand(
    node.command('ls').description('list nodes'),
    NODES,
    async (o) => {
      const nodes = await allNodes(connect(), undefined, {
        limit: rowLimit(o),
        keep: listingFilter(NODES, o),
      });
      return nodes.sort(
        (a, b) =>
          (a.description?.hostname ?? '').localeCompare(b.description?.hostname ?? '') ||
          a.id.localeCompare(b.id),
      );
    },
    true,
  );
}
