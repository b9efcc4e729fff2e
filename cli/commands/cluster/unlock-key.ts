/** `cluster unlock-key`: the autolocked cluster's unlock key, shown or made anew. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import type { Connect } from '../types.js';

/** What `init --autolock`, `unlock-key` and `update --autolock true` print around the key. */
export function unlockKeyNotice(key: string): string {
  return `The cluster is autolocked. A manager that restarts stays locked until \`cluster unlock\` on it is given this key:

    ${key}

Keep it somewhere safe: without it a restarted manager cannot open its keys. \`cluster unlock-key\` shows it again (on a running manager); \`cluster unlock-key --rotate\` makes a new one.`;
}

export function unlockKeyCommand(program: Command, connect: Connect): Command {
  return program
    .command('unlock-key')
    .description("show the autolocked cluster's unlock key, or make a new one")
    .option(
      '--rotate',
      'a new unlock key; the old one keeps opening managers that were down during the rotation',
    )
    .option('-q, --quiet', 'print the key alone')
    .action(async (o: { rotate?: boolean; quiet?: boolean }) => {
      const client = connect();
      const { key } = await call(client, o.rotate ? client.RotateUnlockKey : client.GetUnlockKey, {});
      console.log(o.quiet ? key : unlockKeyNotice(key));
    });
}
