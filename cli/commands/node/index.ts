/** `cluster node ...`: ls, inspect, promote, demote, update, ps, rm. */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { inspectCommand } from './inspect.js';
import { lsCommand } from './ls.js';
import { psCommand } from './ps.js';
import { rmCommand } from './rm.js';
import { roleCommand } from './role.js';
import { updateCommand } from './update.js';

export function nodeCommands(program: Command, connect: Connect): Command {
  const node = program.command('node').description('manage nodes');
  lsCommand(node, connect);
  inspectCommand(node, connect);
  roleCommand(node, 'promote', connect);
  roleCommand(node, 'demote', connect);
  updateCommand(node, connect);
  psCommand(node, connect);
  rmCommand(node, connect);
  return node;
}
