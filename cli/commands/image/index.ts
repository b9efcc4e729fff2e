/** `cluster image ...`: load, ls, rm, on the nodes' container runtimes. */
import type { Command } from 'commander';
import type { Connect, WantsJson } from '../types.js';
import { loadCommand } from './load.js';
import { lsCommand } from './ls.js';
import { rmCommand } from './rm.js';

export function imageCommands(program: Command, connect: Connect, wantsJson: WantsJson): Command {
  const image = program.command('image').description('images in the nodes’ container runtimes');
  loadCommand(image, connect);
  lsCommand(image, connect, wantsJson);
  rmCommand(image, connect);
  return image;
}
