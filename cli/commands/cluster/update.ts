/** `cluster update --autolock true|false`: the cluster's settings. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import type { Connect } from '../types.js';
import { unlockKeyNotice } from './unlock-key.js';

export function updateCommand(program: Command, connect: Connect): Command {
  return program
    .command('update')
    .description("change the cluster's settings")
    .requiredOption(
      '--autolock <true|false>',
      "keep the managers' key only in memory (a new unlock key), or on their disks again",
    )
    .action(async (o: { autolock: string }) => {
      if (o.autolock !== 'true' && o.autolock !== 'false') {
        throw invalidArgument('--autolock', 'true or false', o.autolock);
      }
      const client = connect();
      const { key } = await call(client, client.UpdateAutolock, { autolock: o.autolock === 'true' });
      console.log(
        key ? unlockKeyNotice(key) : 'Autolock is off: the managers keep their key on their disks again.',
      );
    });
}
