#!/usr/bin/env node
/** `cluster`: the command line of Flotilla. */
// First: the daemon's V8 settings must be in place before the rest is loaded.
import { runsDaemon } from './daemon-v8.js';
import { Command, CommanderError } from 'commander';
import { describeError, invalidArgument, isFlotillaError } from '../lib/errors.js';
import { VERSION } from '../daemon/index.js';
import { daemonCommand } from './daemon-process.js';

const program = new Command('cluster')
  .description('Flotilla: run replicated services on a cluster of nodes')
  .version(VERSION)
  .option(
    '-H, --host <addr>',
    'manager to talk to, HOST:PORT (default: $CLUSTER_HOST, else the local node’s socket)',
  )
  .option(
    '--cert-path <dir>',
    'with --host: the admin client certificate (`cluster ca issue-client`; default: $CLUSTER_CERT_PATH)',
  )
  .option('--data-dir <dir>', 'the local node’s data dir (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)')
  .option(
    '--stale-ok',
    'when no quorum of managers can confirm the state is current, read the manager’s own copy (a warning says how stale) instead of failing',
  )
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

let target = '';

if (runsDaemon) {
  // A node's daemon goes without the code of every other command.
  daemonCommand(program);
} else {
  const [rpc, client, commands] = await Promise.all([
    import('../proto/rpc.js'),
    import('./client.js'),
    import('./commands/index.js'),
  ]);
  const connect = () => {
    const o = program.opts<{ host?: string; dataDir?: string; certPath?: string; staleOk?: boolean }>();
    const { client: c, addr } = client.controlClient(o);
    target = addr;
    return c;
  };
  const wantsJson = (o: { format?: string }) => {
    if (o.format !== 'json' && o.format !== 'table') {
      throw invalidArgument('--format', 'table or json', o.format);
    }
    return o.format === 'json';
  };

  // A command may call many times (progress polls): each warning is printed once.
  const warned = new Set<string>();
  rpc.onCallWarning((warning) => {
    if (!warned.has(warning)) console.error(`warning: ${warning}`);
    warned.add(warning);
  });

  commands.registerCommands(program, connect, wantsJson);
}

/**
 * Exits once stdout and stderr have taken everything written to them: on a pipe, writes
 * are asynchronous, and process.exit() drops what the pipe has not taken yet (all but the
 * first 64 KiB). Exiting, rather than waiting for the event loop to empty, ends the run
 * whatever a command left open (a channel, a watch, a timer).
 */
async function exit(code: number | string): Promise<never> {
  const flushed = (out: NodeJS.WriteStream) => new Promise((resolve) => out.write('', resolve));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

// A reader that stops early (`cluster service ls | head`) closes the pipe: the rest of the
// output is not wanted, and the failed write is no error of the command.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

try {
  await program.parseAsync(process.argv);
  // A command may pass an exit code through (task exec).
  await exit(process.exitCode ?? 0);
} catch (err) {
  if (err instanceof CommanderError) await exit(err.exitCode);
  let message = describeError(err);
  if (isFlotillaError(err, 'UNAVAILABLE') && target) {
    message += target.startsWith('unix:')
      ? `\nIs a node running with this data dir? Start one with \`cluster init\`, or point at a manager with --host.`
      : `\nIs a manager running at ${target}?`;
  }
  console.error(`error: ${message}`);
  await exit(1);
}
