/** `cluster service rollback`: back to the previous spec, or to a version of the history. */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { parseCount } from '../../format.js';
import type { Connect } from '../types.js';
import { EXIT_HELP, follow } from './follow.js';

export function rollbackCommand(service: Command, connect: Connect): Command {
  return service
    .command('rollback')
    .description('return a service to its previous spec, or to a version of its history')
    .argument('<service>')
    .option('--to-version <n>', 'a version from `cluster service history`')
    .option('-d, --detach', 'return at once instead of following the rollback')
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: { toVersion?: string; detach?: boolean }) => {
      const client = connect();
      const toVersion =
        o.toVersion === undefined ? 0 : parseCount('--to-version', o.toVersion, Number.MAX_SAFE_INTEGER);
      const { service: s } = await call(client, client.RollbackService, { service: ref, toVersion });
      if (!s) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      console.log(`${s.spec?.name}: ${s.updateStatus?.message}, as v${s.specVersion}`);
      if (!o.detach) await follow(client, s);
    });
}
