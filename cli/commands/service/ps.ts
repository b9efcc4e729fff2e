/** `cluster service ps`: the tasks of services, as `cli/task-listing.ts` lists them. */
import type { Command } from 'commander';
import { taskListCommand } from '../../task-listing.js';
import type { Connect } from '../types.js';

export function psCommand(service: Command, connect: Connect): Command {
  return taskListCommand(
    service.command('ps').description('list the tasks of services').argument('<service...>'),
    connect,
    'services',
  );
}
