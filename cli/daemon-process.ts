/**
 * Starting the node daemon: in the background (init and join return once it is ready,
 * its output going to the log in the data dir), or in the foreground for systemd.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlotillaError, describeError } from '../lib/errors.js';
import { createLogger } from '../lib/log.js';
import { Daemon, type StartOptions } from '../daemon/daemon.js';
import { paths, type NodeIdentity } from '../daemon/data-dir.js';

type DaemonMessage = { ready: NodeIdentity } | { error: string; code: string };

const main = fileURLToPath(new URL('./main.js', import.meta.url));

/** Starts `cluster daemon` detached and resolves with the node's identity once it is ready. */
export function startInBackground(dataDir: string, args: string[]): Promise<NodeIdentity> {
  const log = openSync(paths(dataDir).log, 'a');
  const child = spawn(process.execPath, [main, 'daemon', '--data-dir', dataDir, ...args], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  return new Promise<NodeIdentity>((resolve, reject) => {
    child.once('message', (msg: DaemonMessage) => {
      if ('ready' in msg) resolve(msg.ready);
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

/** Runs the daemon in this process until SIGINT or SIGTERM. */
export async function runDaemon(
  dataDir: string,
  opts: StartOptions & { foreground: boolean },
): Promise<void> {
  const pretty = opts.foreground && process.stdout.isTTY;
  const log = createLogger(pretty ? { pretty: true } : { file: paths(dataDir).log });
  let daemon: Daemon;
  try {
    const started = await Daemon.start(dataDir, log, opts);
    daemon = started.daemon;
    process.send?.({ ready: started.identity } satisfies DaemonMessage);
  } catch (err) {
    log.error({ err: describeError(err) }, 'the daemon could not start');
    const code = err instanceof FlotillaError ? err.code : 'INTERNAL';
    process.send?.({ error: describeError(err), code } satisfies DaemonMessage);
    throw err;
  }
  if (process.connected) process.disconnect();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping; tasks keep running and are adopted at the next start');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await daemon.close();
  log.flush();
}
