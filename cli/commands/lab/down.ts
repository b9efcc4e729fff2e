/** `cluster lab down`: every process of the lab killed, its hosts, network and dir removed. */
import type { Command } from 'commander';
import { labDown, requireRoot } from '../../lab/lifecycle.js';
import { readLab } from '../../lab/state.js';
import { NAME, progress } from './options.js';

export function downCommand(lab: Command): Command {
  return lab
    .command('down')
    .description('kill every process of the lab and remove its hosts, network and dir')
    .option(...NAME)
    .action(async (o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      await labDown(l);
      progress(`lab ${l.name}: down`);
    });
}
