/** `cluster lab kill`: every process of a host killed, as if it lost power. */
import type { Command } from 'commander';
import { killHost } from '../../lab/hosts.js';
import { requireRoot } from '../../lab/lifecycle.js';
import { labHost, readLab } from '../../lab/state.js';
import { NAME, progress } from './options.js';

export function killCommand(lab: Command): Command {
  return lab
    .command('kill')
    .description('kill every process of a host, as if it lost power')
    .option(...NAME)
    .argument('<host>')
    .action(async (name: string, o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      const host = labHost(l, name);
      await killHost(host);
      progress(`host ${host.name} ${host.address}: killed`);
    });
}
