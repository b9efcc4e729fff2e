/** `cluster network rm`: networks no service is attached to. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { removeEach } from '../../format.js';
import type { Connect } from '../types.js';

export function rmCommand(network: Command, connect: Connect): Command {
  return network
    .command('rm')
    .description('remove networks no service is attached to')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      await removeEach(refs, (network) => call(client, client.RemoveNetwork, { network }));
    });
}
