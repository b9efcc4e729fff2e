/** `cluster lab partition` and `cluster lab heal`: traffic between groups of hosts dropped, and let through again. */
import type { Command } from 'commander';
import { requireTools } from '../../lab/hosts.js';
import { requireRoot } from '../../lab/lifecycle.js';
import { heal, parseSides, partition } from '../../lab/partition.js';
import { readLab } from '../../lab/state.js';
import { NAME, progress } from './options.js';

const names = (hosts: { name: string }[]) => hosts.map((h) => h.name).join(', ');

export function partitionCommand(lab: Command): Command {
  return lab
    .command('partition')
    .description('drop the traffic between two groups of hosts (until `cluster lab heal`)')
    .option(...NAME)
    .argument('<groups...>', 'the hosts of each side, e.g. m1 / m2,m3')
    .action(async (groups: string[], o: { name: string }) => {
      requireRoot();
      await requireTools(['nft']);
      const l = await readLab(o.name);
      const [a, b] = parseSides(l, groups);
      await partition(l, a, b);
      progress(`lab ${l.name}: ${names(a)} cut off from ${names(b)}`);
    });
}

export function healCommand(lab: Command): Command {
  return lab
    .command('heal')
    .description('end every partition of the lab')
    .option(...NAME)
    .action(async (o: { name: string }) => {
      requireRoot();
      await requireTools(['nft']);
      const l = await readLab(o.name);
      await heal(l);
      progress(`lab ${l.name}: healed`);
    });
}
