/** `cluster node ps`: the tasks on nodes, as `cli/task-listing.ts` lists them. */
import type { Command } from 'commander';
import { taskListCommand } from '../../task-listing.js';
import type { Connect } from '../types.js';

export function psCommand(node: Command, connect: Connect): Command {
  return taskListCommand(
    node.command('ps').description('list the tasks on nodes').argument('<node...>'),
    connect,
    'nodes',
  );
}
