/** `cluster service ...`: one module per command; the spec from flags in spec.ts, the flags in flags/. */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { createCommand } from './create.js';
import { historyCommand } from './history.js';
import { inspectCommand } from './inspect.js';
import { logsCommand } from './logs.js';
import { lsCommand } from './ls.js';
import { promoteCommand } from './promote.js';
import { psCommand } from './ps.js';
import { rmCommand } from './rm.js';
import { rollbackCommand } from './rollback.js';
import { scaleCommand } from './scale.js';
import { updateCommand } from './update.js';

export function serviceCommands(program: Command, connect: Connect): Command {
  const service = program.command('service').description('manage services');
  createCommand(service, connect);
  lsCommand(service, connect);
  psCommand(service, connect);
  scaleCommand(service, connect);
  updateCommands(service, connect);
  inspectCommand(service, connect);
  rmCommand(service, connect);
  logsCommand(service, connect);
  return service;
}

/** The commands around updates: update, rollback, promote, history. */
export function updateCommands(service: Command, connect: Connect): void {
  updateCommand(service, connect);
  rollbackCommand(service, connect);
  promoteCommand(service, connect);
  historyCommand(service, connect);
}
