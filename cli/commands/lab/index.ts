/** `cluster lab ...`: a cluster of several hosts on one machine, each host a network namespace (cli/lab/). */
import type { Command } from 'commander';
import type { WantsJson } from '../types.js';
import { downCommand } from './down.js';
import { execCommand } from './exec.js';
import { killCommand } from './kill.js';
import { lsCommand } from './ls.js';
import { healCommand, partitionCommand } from './partition.js';
import { restartCommand } from './restart.js';
import { upCommand } from './up.js';

export function labCommands(program: Command, wantsJson: WantsJson): Command {
  const lab = program
    .command('lab')
    .description('a lab of several hosts on this machine, each a network namespace with a node (needs root)');
  upCommand(lab);
  lsCommand(lab, wantsJson);
  execCommand(lab);
  partitionCommand(lab);
  healCommand(lab);
  killCommand(lab);
  restartCommand(lab);
  downCommand(lab);
  return lab;
}
