/** `cluster image ls`: the images each node has. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { collect, table } from '../../format.js';
import { nodeLabel, resolveNodes } from '../../node-runtime.js';
import { containerNodes, eachNode, ONLY_NODES, reach } from '../on-nodes.js';
import type { Connect, WantsJson } from '../types.js';

export function lsCommand(image: Command, connect: Connect, wantsJson: WantsJson): Command {
  return image
    .command('ls')
    .description('the images each node has')
    .option(...ONLY_NODES, collect, [])
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { node: string[]; format: string }) => {
      const { control, tls } = await reach(connect);
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      if (nodes.length === 0) console.error('note: no ready node has a container runtime');
      const rows: { node: string; name: string; digest: string; size: number }[] = [];
      await eachNode(nodes, tls, async (node, client) => {
        const { images } = await call(client, client.ListImages, {});
        for (const i of images)
          rows.push({ node: nodeLabel(node), name: i.name, digest: i.digest, size: i.size });
      });
      if (wantsJson(o)) return console.log(JSON.stringify(rows, null, 2));
      console.log(
        table(
          ['NODE', 'IMAGE', 'DIGEST', 'SIZE'],
          rows.map((r) => [r.node, r.name, r.digest.slice(0, 19), `${(r.size / 2 ** 20).toFixed(1)} MB`]),
        ),
      );
    });
}
