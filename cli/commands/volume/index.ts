/**
 * `cluster volume ls|inspect|rm`: the named volumes each node has made for its tasks, asked
 * of every node's NodeRuntime service (or those named), as `cluster image` does.
 */
import type { Command } from 'commander';
import type { Connect, WantsJson } from '../types.js';
import { inspectCommand } from './inspect.js';
import { lsCommand } from './ls.js';
import { rmCommand } from './rm.js';

export function volumeCommands(program: Command, connect: Connect, wantsJson: WantsJson): Command {
  const volume = program
    .command('volume')
    .description('named volumes on the nodes, made by the tasks that mount them');
  lsCommand(volume, connect, wantsJson);
  inspectCommand(volume, connect);
  rmCommand(volume, connect);
  return volume;
}
