/** `cluster lab ls`: the labs, with how many of their nodes are up. */
import type { Command } from 'commander';
import { daemonRunning } from '../../../daemon/index.js';
import { table } from '../../format.js';
import { listLabs } from '../../lab/state.js';
import type { WantsJson } from '../types.js';

export function lsCommand(lab: Command, wantsJson: WantsJson): Command {
  return lab
    .command('ls')
    .description('list the labs')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { format?: string }) => {
      const labs = await listLabs();
      if (wantsJson(o)) return console.log(JSON.stringify(labs, null, 2));
      const rows = labs.map((l) => [
        l.name,
        l.subnet,
        l.runtime,
        `${l.hosts.filter((h) => daemonRunning(h.dataDir)).length}/${l.hosts.length}`,
        Object.keys(l.cut).length > 0 ? 'yes' : 'no',
        l.dir,
      ]);
      console.log(table(['NAME', 'SUBNET', 'RUNTIME', 'NODES UP', 'PARTITIONED', 'DIR'], rows));
    });
}
