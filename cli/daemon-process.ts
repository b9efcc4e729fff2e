/**
 * Starting the node daemon: in the background (init and join return once it is ready,
 * its output going to the log in the data dir), or in the foreground for systemd.
 */
import { spawn } from 'node:child_process';
import { Option, type Command } from 'commander';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlotillaError, describeError } from '../lib/errors.js';
import { createLogger, lastWords, type Logger } from '../lib/log.js';
import {
  dataDirFrom,
  paths,
  type Daemon,
  type InitRequest,
  type NodeIdentity,
  type StartOptions,
} from '../daemon/index.js';

type DaemonMessage = { ready: NodeIdentity } | { locked: NodeIdentity } | { error: string; code: string };

/** A node that started, or a manager that started locked (it waits for `cluster unlock`). */
export type Started = NodeIdentity & { locked?: boolean };

/** How to run this program, the `cluster` CLI, again. */
export const clusterCommand: [string, string] = [
  process.execPath,
  fileURLToPath(new URL('./main.js', import.meta.url)),
];

/**
 * The daemon's environment: this one, with glibc's malloc kept to two arenas unless
 * MALLOC_ARENA_MAX is set. By default every thread that allocates (libuv's pool, V8's
 * compiler and collector threads) may get an arena of its own, each keeping memory that was
 * freed but cannot be given back: with two, the idle daemon holds several MiB less (glibc
 * reads this at start only, so a daemon run by hand or by systemd needs it in its
 * environment; the unit sets it).
 */
export function daemonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...env };
}

/**
 * Starts `cluster daemon` detached, after `launcher` if given (a command that execs the rest,
 * e.g. nsenter into a network namespace), and resolves with the node's identity once it is ready
 * (or locked).
 */
export function startInBackground(
  dataDir: string,
  args: string[],
  launcher: string[] = [],
): Promise<Started> {
  const log = openSync(paths(dataDir).log, 'a', 0o600);
  const [program, ...rest] = [...launcher, ...clusterCommand, 'daemon', '--data-dir', dataDir, ...args];
  const child = spawn(program!, rest, {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    env: daemonEnv(),
  });
  closeSync(log);
  return new Promise<Started>((resolve, reject) => {
    child.once('message', (msg: DaemonMessage) => {
      if ('ready' in msg) resolve(msg.ready);
      else if ('locked' in msg) resolve({ ...msg.locked, locked: true });
      else reject(new FlotillaError(msg.code as FlotillaError['code'], msg.error));
    });
    child.once('exit', (code) =>
      reject(
        new FlotillaError(
          'INTERNAL',
          `the daemon exited (code ${code}) before it was ready; see ${paths(dataDir).log}`,
        ),
      ),
    );
    child.once('error', reject);
  }).finally(() => {
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  });
}

/**
 * `cluster daemon`. The daemon's process loads this command alone (main.ts): none of the
 * other commands' code.
 */
export function daemonCommand(program: Command): void {
  program
    .command('daemon')
    .description('run the node of a data dir in the foreground (for systemd)')
    .option('--data-dir <dir>', 'the node’s data dir (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)')
    // How `init` hands its checked choices (an InitRequest, as JSON) to the daemon it starts.
    .addOption(new Option('--init <request>').hideHelp())
    .addOption(new Option('--force-new-cluster').hideHelp())
    .action(async (o: { dataDir?: string; init?: string; forceNewCluster?: boolean }) => {
      const dataDir = dataDirFrom(o.dataDir);
      const init = o.init ? (JSON.parse(o.init) as InitRequest) : undefined;
      await runDaemon(dataDir, { init, forceNewCluster: o.forceNewCluster, foreground: !process.send });
    });
}

/** Runs the daemon in this process until SIGINT or SIGTERM, restarting it when it asks to (a new role). */
export async function runDaemon(
  dataDir: string,
  opts: StartOptions & { foreground: boolean },
): Promise<void> {
  // In the background its stdout and stderr are the log file: a write that fails there (on a
  // full disk) must not stop the daemon.
  for (const out of [process.stdout, process.stderr]) out.on('error', () => undefined);
  const pretty = opts.foreground && process.stdout.isTTY;
  const log = createLogger(pretty ? { pretty: true } : { file: paths(dataDir).log });
  // What nothing caught stops the daemon, as by default, but it is said in the log (whose
  // disk may be full, where stderr would lose it).
  process.on('uncaughtException', (err) => die(log, err, 'an error nothing caught'));
  process.on('unhandledRejection', (err) => die(log, err, 'a failure nothing handled'));
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // Loaded here, not at the top: every other command of the CLI goes without the daemon's code.
  const { Daemon } = await import('../daemon/daemon.js');
  // A locked manager waits for its key, with nothing to lose: a stop signal then ends it at once.
  let locked = false;
  void stopped.then(() => locked && process.exit(0));
  const onLocked = (now: boolean, identity: NodeIdentity) => {
    locked = now;
    if (now && process.connected) process.send?.({ locked: identity } satisfies DaemonMessage);
  };
  let start: StartOptions = { ...opts, onLocked };
  for (;;) {
    let daemon: Daemon;
    try {
      const started = await Daemon.start(dataDir, log, start);
      daemon = started.daemon;
      if (process.connected) process.send?.({ ready: started.identity } satisfies DaemonMessage);
    } catch (err) {
      log.error({ err: describeError(err) }, 'the daemon could not start');
      const code = err instanceof FlotillaError ? err.code : 'INTERNAL';
      if (process.connected) process.send?.({ error: describeError(err), code } satisfies DaemonMessage);
      throw err;
    }
    if (process.connected) process.disconnect();
    const signal = await Promise.race([
      stopped,
      daemon.restart.then(() => undefined),
      daemon.left.then(() => 'left' as const),
    ]);
    await daemon.close();
    if (signal === 'left') {
      log.info('stopped: this node left the cluster');
      break;
    }
    if (signal) {
      log.info({ signal }, 'stopped; tasks keep running and are adopted at the next start');
      break;
    }
    // Only the first start creates or recovers a cluster.
    start = { onLocked };
  }
  log.flush();
}

function die(log: Logger, err: unknown, what: string): never {
  lastWords(log, err, `the daemon stops: ${what}: ${describeError(err)}`);
  process.exit(1);
}
