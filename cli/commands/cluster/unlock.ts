/**
 * `cluster unlock`: an autolocked cluster's managers keep the key that opens the cluster's
 * secrets (and their own TLS keys) only in memory; a restarted manager waits, locked, for the
 * unlock key on its local socket.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { dataDirFrom, paths } from '../../../daemon/index.js';
import { wire } from '../../../proto/load.js';
import { call, connect as connectTo } from '../../../proto/rpc.js';

export function unlockCommand(program: Command): Command {
  return program
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
