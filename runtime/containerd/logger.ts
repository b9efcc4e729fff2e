/**
 * Container output goes to files that outlive the agent: the shim starts a small logging
 * program (containerd's binary:// stdio), the log stamper of log-file.ts, which appends
 * stdout and stderr (its fds 3 and 4) to two files, each line with the time it was written,
 * until the container's pipes close, and says it is ready by closing fd 5. It ignores
 * SIGTERM, which the shim sends when the task is deleted, so that it exits only once
 * everything is written: deleting a task therefore flushes its logs.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STAMPER } from '../log-file.js';

// The shim passes the URI's query as arguments: `dir DIR`.
const SCRIPT = `#!/usr/bin/perl
# Flotilla's container logger (written by the containerd driver).
${STAMPER}`;

const LOGGER_NAME = 'flotilla-logger';

/** Writes the logging program under `root` (if it is not there as it should be); returns its path. */
export async function installLogger(root: string): Promise<string> {
  const path = join(root, LOGGER_NAME);
  if ((await readFile(path, 'utf8').catch(() => '')) !== SCRIPT) {
    await mkdir(root, { recursive: true });
    await writeFile(`${path}.new`, SCRIPT, { mode: 0o755 });
    await chmod(`${path}.new`, 0o755);
    await rename(`${path}.new`, path);
  }
  return path;
}

/** The stdio URI that makes the shim run the logger for directory `dir`. */
export function loggerUri(logger: string, dir: string): string {
  return `binary://${encodeURI(logger)}?dir=${encodeURIComponent(dir)}`;
}
