/**
 * `cluster service history` after a rollback: while it runs the update line says what was
 * asked; once the updater has completed it (updateCompleted), it says the rollback completed.
 */
import test from 'ava';
import { Command } from 'commander';
import { EventEmitter } from 'node:events';
import { updateCommands } from '../../../cli/commands/service/index.js';
import { rolledBack, updateCompleted, withSpec } from '../../../manager/services/versions.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { Service } from '../../../proto/types.js';
import { makeService, makeSpec } from '../helpers.js';

/** What `cluster service history web` prints for `service`. */
async function history(service: Service): Promise<string> {
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:manager:4242' }),
    GetService: (_req: unknown, _md: unknown, _opts: unknown, done: (err: null, res: unknown) => void) => {
      setImmediate(() => done(null, { service }));
      return new EventEmitter();
    },
  } as unknown as ControlClient;
  const program = new Command().exitOverride();
  updateCommands(program.command('service'), () => client);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    await program.parseAsync(['service', 'history', 'web'], { from: 'user' });
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test.serial('after a requested rollback completes, history says it completed', async (t) => {
  const v2 = withSpec(
    makeService(makeSpec({ name: 'web' })),
    makeSpec({ name: 'web', labels: {} }, 1),
    10,
    true,
  );
  const rolling = rolledBack(v2, 0, 20, 'rollback requested');
  t.regex(await history(rolling), /\nupdate: rollback requested \(back to the spec of v1\)$/);

  const done = await history(updateCompleted(rolling, 30));
  t.regex(done, /\nupdate: rollback completed: rollback requested \(back to the spec of v1\)$/);
});

test.serial('an update completed says so, without what came before', async (t) => {
  const v2 = withSpec(makeService(makeSpec({ name: 'web' })), makeSpec({ name: 'web' }, 1), 10, true);
  t.regex(await history(updateCompleted(v2, 30)), /\nupdate: update completed$/);
});
