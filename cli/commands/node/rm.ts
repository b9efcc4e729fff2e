/** `cluster node rm`: nodes removed from the cluster (down ones, or any worker with --force). */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { removeEach } from '../../format.js';
import type { Connect } from '../types.js';

export function rmCommand(node: Command, connect: Connect): Command {
  return node
    .command('rm')
    .description('remove nodes from the cluster (down ones, or any worker with --force)')
    .argument('<node...>')
    .option('-f, --force', 'remove a node that is still up; its tasks move elsewhere')
    .action(async (refs: string[], o: { force?: boolean }) => {
      const client = connect();
      await removeEach(refs, (node) => call(client, client.RemoveNode, { node, force: o.force ?? false }));
    });
}
