/** `cluster volume ls`: the volumes each node has. */
import type { Command } from 'commander';
import { formatBytes } from '../../../lib/sizes.js';
import { collect, table } from '../../format.js';
import { ONLY_NODES } from '../on-nodes.js';
import type { Connect, WantsJson } from '../types.js';
import { volumesOf } from './found.js';

export function lsCommand(volume: Command, connect: Connect, wantsJson: WantsJson): Command {
  return volume
    .command('ls')
    .description('the volumes each node has')
    .option(...ONLY_NODES, collect, [])
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { node: string[]; format: string }) => {
      const rows = await volumesOf(connect, o.node);
      if (wantsJson(o)) return console.log(JSON.stringify(rows, null, 2));
      console.log(
        table(
          ['NODE', 'NAME', 'DRIVER', 'SIZE', 'IN USE BY'],
          rows.map((v) => [v.node, v.name, v.driver, formatBytes(Number(v.size)), v.usedBy.join(',') || '-']),
        ),
      );
    });
}
