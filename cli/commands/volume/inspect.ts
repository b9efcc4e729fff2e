/** `cluster volume inspect`: a volume on every node that has it (or those named), as JSON. */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { collect } from '../../format.js';
import { ONLY_NODES } from '../on-nodes.js';
import type { Connect } from '../types.js';
import { volumesOf } from './found.js';

export function inspectCommand(volume: Command, connect: Connect): Command {
  return volume
    .command('inspect')
    .description('a volume on every node that has it (or those named), as JSON')
    .argument('<name>')
    .option(...ONLY_NODES, collect, [])
    .action(async (name: string, o: { node: string[] }) => {
      const found = await volumesOf(connect, o.node, name);
      if (found.length === 0) throw new FlotillaError('NOT_FOUND', `no node has volume ${name}`);
      console.log(JSON.stringify(found, null, 2));
    });
}
