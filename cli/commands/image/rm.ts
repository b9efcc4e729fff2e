/** `cluster image rm`: an image removed from every node (or those named). */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { nodeLabel, resolveNodes } from '../../node-runtime.js';
import { collect } from '../../format.js';
import { containerNodes, eachNode, ONLY_NODES, reach } from '../on-nodes.js';
import type { Connect } from '../types.js';

export function rmCommand(image: Command, connect: Connect): Command {
  return image
    .command('rm')
    .description('remove an image from every node (or those named)')
    .argument('<image>')
    .option(...ONLY_NODES, collect, [])
    .action(async (ref: string, o: { node: string[] }) => {
      const { control, tls } = await reach(connect);
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      let removed = 0;
      await eachNode(nodes, tls, async (node, client) => {
        await call(client, client.RemoveImage, { name: ref }).then(
          () => {
            removed++;
            console.log(`${nodeLabel(node)}: removed ${ref}`);
          },
          (err: unknown) => {
            if (!(err instanceof FlotillaError && err.code === 'NOT_FOUND')) throw err;
          },
        );
      });
      if (removed === 0) throw new FlotillaError('NOT_FOUND', `no node has image ${ref}`);
    });
}
