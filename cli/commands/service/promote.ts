/** `cluster service promote`: an update that waits on its canaries goes on. */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import type { Connect } from '../types.js';
import { EXIT_HELP, follow } from './follow.js';

export function promoteCommand(service: Command, connect: Connect): Command {
  return service
    .command('promote')
    .description('let an update that waits on its canaries go on')
    .argument('<service>')
    .option('-d, --detach', 'return at once instead of following the update')
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: { detach?: boolean }) => {
      const client = connect();
      const { service: s } = await call(client, client.PromoteService, { service: ref });
      if (!s) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      console.log(`${s.spec?.name}: canaries promoted`);
      if (!o.detach) await follow(client, s);
    });
}
