/** `cluster lab restart`: a killed host starts again, its node from its data dir. */
import type { Command } from 'commander';
import { requireRoot, restartHost } from '../../lab/lifecycle.js';
import { labHost, readLab } from '../../lab/state.js';
import { NAME, progress } from './options.js';

export function restartCommand(lab: Command): Command {
  return lab
    .command('restart')
    .description('start a killed host again: its node from its data dir (and its containerd)')
    .option(...NAME)
    .argument('<host>')
    .action(async (name: string, o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      await restartHost(l, labHost(l, name), progress);
    });
}
