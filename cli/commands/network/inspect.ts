/** `cluster network inspect`: networks in full, as JSON. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { printInspected } from '../../format.js';
import type { Connect } from '../types.js';

export function inspectCommand(network: Command, connect: Connect): Command {
  return network
    .command('inspect')
    .description('show networks in full, as JSON')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      await printInspected(refs, (ref) => call(client, client.GetNetwork, { network: ref }));
    });
}
