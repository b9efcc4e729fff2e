/** `cluster network ...`: create, ls, inspect, rm of overlay networks. */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { createCommand } from './create.js';
import { inspectCommand } from './inspect.js';
import { lsCommand } from './ls.js';
import { rmCommand } from './rm.js';

export function networkCommands(program: Command, connect: Connect): Command {
  const network = program.command('network').description('manage overlay networks');
  createCommand(network, connect);
  lsCommand(network, connect);
  inspectCommand(network, connect);
  rmCommand(network, connect);
  return network;
}
