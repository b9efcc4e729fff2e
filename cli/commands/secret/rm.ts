/** `cluster secret rm` and `cluster config rm`: those no service uses. */
import type { Command } from 'commander';
import { removeEach } from '../../format.js';
import type { Connect } from '../types.js';
import type { Kind } from './kinds.js';

export function rmCommand(cmd: Command, kind: Kind, connect: Connect): Command {
  return cmd
    .command('rm')
    .description(`remove ${kind.noun}s no service uses`)
    .argument(`<${kind.noun}...>`)
    .action(async (refs: string[]) => {
      const calls = kind.calls(connect());
      await removeEach(refs, (ref) => calls.remove(ref));
    });
}
