/** `cluster node inspect`: nodes as JSON, or as text with --pretty. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { printInspected, printViews } from '../../format.js';
import { prettyNode } from '../../inspect-view.js';
import type { Connect } from '../types.js';

export function inspectCommand(node: Command, connect: Connect): Command {
  return node
    .command('inspect')
    .description('show nodes in full, as JSON (times in ISO 8601), or as text with --pretty')
    .argument('<node...>')
    .option('--pretty', 'as text for people: status, manager status, platform, resources, certificate')
    .action(async (refs: string[], o: { pretty?: boolean }) => {
      const client = connect();
      const get = async (node: string) => (await call(client, client.GetNode, { node })).node;
      if (!o.pretty) return printInspected(refs, get);
      await printViews(refs, async (ref) => {
        const node = await get(ref);
        return node ? prettyNode(node) : undefined;
      });
    });
}
