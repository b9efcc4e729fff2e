/** `cluster stack ...`: deploy, ls, services, ps and rm of applications from Compose files (cli/stack/). */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { deployCommand } from './deploy.js';
import { lsCommand } from './ls.js';
import { psCommand } from './ps.js';
import { rmCommand } from './rm.js';
import { servicesCommand } from './services.js';

const EXAMPLES = `
Examples:
  cluster stack deploy -c compose.yml shop
  cluster stack deploy -c compose.yml -c compose.prod.yml --prune shop
  cluster stack deploy -d -c compose.yml shop      # without waiting for the services
  cluster stack services shop
  cluster stack rm shop`;

export function stackCommands(program: Command, connect: Connect): Command {
  const stack = program
    .command('stack')
    .description('manage stacks: services, networks, named volumes, secrets and configs from Compose files')
    .addHelpText('after', EXAMPLES);
  deployCommand(stack, connect);
  lsCommand(stack, connect);
  servicesCommand(stack, connect);
  psCommand(stack, connect);
  rmCommand(stack, connect);
  return stack;
}
