/** `cluster stack ps`: the tasks of a stack, as `service ps` lists them. */
import type { Command } from 'commander';
import { listingCommand } from '../../listing.js';
import { TASKS, taskItems } from '../../task-listing.js';
import type { Connect } from '../types.js';
import { servicesOf } from './services-of.js';
import { allTasks } from '../../pages.js';

export function psCommand(stack: Command, connect: Connect): Command {
  return listingCommand(
    stack.command('ps').description('list the tasks of a stack, as `service ps`').argument('<stack>'),
    TASKS,
    async (_o, name: string) => {
      const client = connect();
      const ids = (await servicesOf(client, name)).map((s) => s.service!.id);
      const { tasks, nodes } = await allTasks(client, { services: ids });
      return taskItems(tasks, nodes, Date.now());
    },
  );
}
