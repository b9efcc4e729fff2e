/** `cluster task ...`: exec, inspect, stats, on the node that runs the task. */
import type { Command } from 'commander';
import type { Connect, WantsJson } from '../types.js';
import { execCommand } from './exec.js';
import { inspectCommand } from './inspect.js';
import { statsCommand } from './stats.js';

export function taskCommands(program: Command, connect: Connect, wantsJson: WantsJson): Command {
  const task = program.command('task').description('one task, on the node that runs it');
  execCommand(task, connect);
  inspectCommand(task, connect);
  statsCommand(task, connect, wantsJson);
  return task;
}
