/** `cluster volume rm`: a volume and its data removed from every node that has it (or those named). */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { nodeLabel, resolveNodes } from '../../node-runtime.js';
import { collect } from '../../format.js';
import { containerNodes, eachNode, ONLY_NODES, reach } from '../on-nodes.js';
import type { Connect } from '../types.js';

export function rmCommand(volume: Command, connect: Connect): Command {
  return volume
    .command('rm')
    .description('remove a volume and its data from every node that has it (or those named)')
    .argument('<name>')
    .option(...ONLY_NODES, collect, [])
    .option('-f, --force', 'no error when no node has it')
    .action(async (name: string, o: { node: string[]; force?: boolean }) => {
      const { control, tls } = await reach(connect);
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      let removed = 0;
      const refused: string[] = [];
      await eachNode(nodes, tls, async (node, client) => {
        await call(client, client.RemoveVolume, { name }).then(
          () => {
            removed++;
            console.log(`${nodeLabel(node)}: removed ${name}`);
          },
          (err: unknown) => {
            if (err instanceof FlotillaError && err.code === 'NOT_FOUND') return;
            refused.push(`${nodeLabel(node)}: ${err instanceof Error ? err.message : String(err)}`);
          },
        );
      });
      if (refused.length > 0) throw new FlotillaError('CONFLICT', refused.join('; '));
      if (removed === 0 && !o.force) throw new FlotillaError('NOT_FOUND', `no node has volume ${name}`);
    });
}
