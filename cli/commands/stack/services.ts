/** `cluster stack services`: the services of a stack, as `service ls` lists them. */
import type { Command } from 'commander';
import { addListOptions, listingPrinter, printListing, type ListOptions } from '../../listing.js';
import { SERVICES, serviceItems } from '../../service-listing.js';
import type { Connect } from '../types.js';
import { servicesOf } from './services-of.js';

export function servicesCommand(stack: Command, connect: Connect): Command {
  return addListOptions(
    stack
      .command('services')
      .description('list the services of a stack, as `service ls`')
      .argument('<stack>'),
    SERVICES,
  ).action(async (name: string, o: ListOptions) => {
    const print = listingPrinter(SERVICES, o);
    const client = connect();
    printListing(print(await serviceItems(client, await servicesOf(client, name))));
  });
}
