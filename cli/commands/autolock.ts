/**
 * `cluster unlock`, `cluster unlock-key` and `cluster update --autolock`: an autolocked cluster's managers keep the key
 * that opens the cluster's secrets (and their own TLS keys) only in memory; a restarted
 * manager waits, locked, for the unlock key on its local socket.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { dataDirFrom, paths } from '../../daemon/index.js';
import { invalidArgument } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { wire } from '../../proto/load.js';
import { call, connect as connectTo } from '../../proto/rpc.js';

type Connect = () => ControlClient;

/** What `init --autolock` and `unlock-key` print around the key. */
export function unlockKeyNotice(key: string): string {
  return `The cluster is autolocked. A manager that restarts stays locked until \`cluster unlock\` on it is given this key:

    ${key}

Keep it somewhere safe: without it a restarted manager cannot open its keys. \`cluster unlock-key\` shows it again (on a running manager); \`cluster unlock-key --rotate\` makes a new one.`;
}

export function autolockCommands(program: Command, connect: Connect): void {
  program
    .command('unlock')
    .description(
      "unlock this node's manager after a restart (the cluster is autolocked): reads the unlock key from the terminal or stdin",
    )
    .action(async () => {
      const dataDir = dataDirFrom(program.opts<{ dataDir?: string }>().dataDir);
      const key = await readKey();
      // Only the node's own socket: a locked manager has no TLS key to serve the network with.
      const client = connectTo(wire.flotilla.Control, `unix:${paths(dataDir).socket}`);
      try {
        await call(client, client.Unlock, { key });
      } finally {
        client.close();
      }
      console.log('Unlocked: the manager is starting.');
    });

  program
    .command('unlock-key')
    .description("show the autolocked cluster's unlock key, or make a new one")
    .option(
      '--rotate',
      'a new unlock key; the old one keeps opening managers that were down during the rotation',
    )
    .option('-q, --quiet', 'print the key alone')
    .action(async (o: { rotate?: boolean; quiet?: boolean }) => {
      const client = connect();
      const { key } = await call(client, o.rotate ? client.RotateUnlockKey : client.GetUnlockKey, {});
      console.log(o.quiet ? key : unlockKeyNotice(key));
    });

  program
    .command('update')
    .description("change the cluster's settings")
    .requiredOption(
      '--autolock <true|false>',
      "keep the managers' key only in memory (a new unlock key), or on their disks again",
    )
    .action(async (o: { autolock: string }) => {
      if (o.autolock !== 'true' && o.autolock !== 'false') {
        throw invalidArgument('--autolock', 'true or false', o.autolock);
      }
      const client = connect();
      const { key } = await call(client, client.UpdateAutolock, { autolock: o.autolock === 'true' });
      console.log(
        key ? unlockKeyNotice(key) : 'Autolock is off: the managers keep their key on their disks again.',
      );
    });
}

/** The key from stdin when it is not a terminal, else asked for without echo. */
async function readKey(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.trim();
  }
  let muted = false;
  const output = new Writable({
    write: (chunk, _encoding, done) => {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question('Unlock key: ', resolve));
  muted = true;
  const key = await answer;
  rl.close();
  process.stdout.write('\n');
  return key.trim();
}
