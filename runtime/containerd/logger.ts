/**
 * Container output goes to files that outlive the agent: the shim starts a small logging
 * program (containerd's binary:// stdio), which appends stdout and stderr (its fds 3 and 4)
 * to two files until the container's pipes close, and says it is ready by closing fd 5.
 * It ignores SIGTERM, which the shim sends when the task is deleted, so that it exits only
 * once everything is written: deleting a task therefore flushes its logs.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SCRIPT = `#!/bin/sh
# Flotilla's container logger (written by the containerd driver): $2 is the log directory.
trap '' TERM
cat <&3 >>"$2/stdout.log" 4<&- 5>&- &
cat <&4 >>"$2/stderr.log" 3<&- 5>&- &
exec 3<&- 4<&- 5>&-
wait
`;

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
