/** `cluster service rm`: removes services; the managers stop their tasks. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { removeEach } from '../../format.js';
import type { Connect } from '../types.js';

export function rmCommand(service: Command, connect: Connect): Command {
  return service
    .command('rm')
    .description('remove services (their tasks are stopped)')
    .argument('<service...>')
    .action(async (refs: string[]) => {
      const client = connect();
      await removeEach(refs, (service) => call(client, client.RemoveService, { service }));
    });
}
