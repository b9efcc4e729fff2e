/** What the tests that need tools of the host (containerd, dockerd, a registry) share. */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TestFn } from 'ava';

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

/** Mount points under `dir`, deepest last. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(dir));
}

/** Unmounts what a stopped daemon left under `dir`, then removes it. */
export async function unmountAndRemove(dir: string): Promise<void> {
  for (const point of (await mountsUnder(dir)).reverse()) {
    await run('umount', ['-l', point]).catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true });
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
