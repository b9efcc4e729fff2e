/** What the tests that need tools of the host (containerd, dockerd, a registry) share. */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TestFn } from 'ava';

export { mountsUnder, unmountAndRemove } from '../../lib/mounts.js';

const run = promisify(execFile);

/** Whether `tool` is on the PATH. */
export function onPath(tool: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${tool}`]).then(
    () => true,
    () => false,
  );
}

/** One passing test that says why the file's tests cannot run here. */
export function skippedBecause(test: TestFn, what: string, reason: string): void {
  test(`${what}: skipped`, (t) => {
    t.log(`skipped: ${reason}`);
    t.pass();
  });
}

/** Pids of the processes (other than this one) whose argv passes `match`. */
export async function processesWhere(match: (argv: string[]) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (match(argv)) pids.push(Number(name));
  }
  return pids;
}

/** Pids of the processes whose command line mentions `text` (e.g. a test's temp dir). */
export function processesMentioning(text: string): Promise<number[]> {
  return processesWhere((argv) => argv.some((a) => a.includes(text)));
}
