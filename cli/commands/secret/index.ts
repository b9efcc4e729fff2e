/**
 * `cluster secret ...` and `cluster config ...`: create, ls, inspect, rm of the values that
 * tasks get as files (`service create --secret`, `--config`), one builder per command for
 * both kinds (kinds.ts).
 */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { createCommand } from './create.js';
import { inspectCommand } from './inspect.js';
import { KINDS } from './kinds.js';
import { lsCommand } from './ls.js';
import { rmCommand } from './rm.js';

/** The `secret` and the `config` commands. */
export function secretCommands(program: Command, connect: Connect): void {
  for (const kind of KINDS) {
    const cmd = program
      .command(kind.noun)
      .description(kind.about)
      .addHelpText('after', `\nExamples:${kind.examples}`);
    createCommand(cmd, kind, connect);
    lsCommand(cmd, kind, connect);
    inspectCommand(cmd, kind, connect);
    rmCommand(cmd, kind, connect);
  }
}
