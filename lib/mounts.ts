/** Mount points read from /proc, and taking them down: what a stopped node or containerd left mounted. */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Mount points at or under `dir`, deepest last. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}

/** Unmounts what is left mounted under `dir` (lazily: a busy mount goes once unused), then removes it. */
export async function unmountAndRemove(dir: string): Promise<void> {
  for (const point of (await mountsUnder(dir)).reverse()) {
    await run('umount', ['-l', point]).catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true });
}
