/** `cluster secret inspect` and `cluster config inspect`: as JSON, a secret without its value. */
import type { Command } from 'commander';
import { printInspected } from '../../format.js';
import type { Connect } from '../types.js';
import type { Kind } from './kinds.js';

export function inspectCommand(cmd: Command, kind: Kind, connect: Connect): Command {
  return cmd
    .command('inspect')
    .description(kind.inspect)
    .argument(`<${kind.noun}...>`)
    .action(async (refs: string[]) => {
      const calls = kind.calls(connect());
      await printInspected(refs, async (ref) => kind.shown(await calls.get(ref)));
    });
}
