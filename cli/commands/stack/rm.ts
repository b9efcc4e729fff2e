/** `cluster stack rm`: a stack's services, then its networks, secrets and configs. */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { removeStack } from '../../stack/deploy.js';
import type { Connect } from '../types.js';

export function rmCommand(stack: Command, connect: Connect): Command {
  return stack
    .command('rm')
    .description(
      "remove a stack: its services, then its networks, secrets and configs (waits until they're free)",
    )
    .argument('<stack...>')
    .action(async (names: string[]) => {
      const client = connect();
      for (const name of names) {
        const found = await removeStack(client, name, (line) => console.log(line));
        if (!found) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${name}`);
      }
    });
}
