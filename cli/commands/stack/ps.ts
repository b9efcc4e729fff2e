/** `cluster stack ps`: the tasks of a stack, as `service ps` lists them. */
import type { Command } from 'commander';
import { addListOptions, listingPrinter, printListing, type ListOptions } from '../../listing.js';
import { TASKS, taskItems } from '../../task-listing.js';
import type { Connect } from '../types.js';
import { servicesOf } from './services-of.js';
import { allTasks } from '../../pages.js';

export function psCommand(stack: Command, connect: Connect): Command {
  return addListOptions(
    stack.command('ps').description('list the tasks of a stack, as `service ps`').argument('<stack>'),
    TASKS,
  ).action(async (name: string, o: ListOptions) => {
    const print = listingPrinter(TASKS, o);
    const client = connect();
    const ids = (await servicesOf(client, name)).map((s) => s.service!.id);
    const { tasks, nodes } = await allTasks(client, { services: ids });
    printListing(print(taskItems(tasks, nodes, Date.now())));
  });
}
