/** `cluster stack services`: the services of a stack, as `service ls` lists them. */
import type { Command } from 'commander';
import { listingCommand } from '../../listing.js';
import { SERVICES, serviceItems } from '../../service-listing.js';
import type { Connect } from '../types.js';
import { servicesOf } from './services-of.js';

export function servicesCommand(stack: Command, connect: Connect): Command {
  return listingCommand(
    stack
      .command('services')
      .description('list the services of a stack, as `service ls`')
      .argument('<stack>'),
    SERVICES,
    async (_o, name: string) => {
      const client = connect();
      return serviceItems(client, await servicesOf(client, name));
    },
  );
}
