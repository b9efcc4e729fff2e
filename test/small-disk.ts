/**
 * A small real disk for tests of what a full one does: a tmpfs mounted on a directory, filled
 * to ENOSPC by a filler file and given room again by removing it. Mounting takes root.
 */
import { execFile } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { isNoSpace } from '../lib/disk-full.js';
import { unmountAndRemove } from '../lib/mounts.js';

const run = promisify(execFile);

/** Whether this process may mount file systems (the tests that need it say so and skip otherwise). */
export const canMount = process.getuid?.() === 0;

export class SmallDisk {
  private constructor(readonly dir: string) {}

  /** Mounts a tmpfs of `mib` MiB on `dir` (made if missing), taken down when the test ends. */
  static async mount(t: ExecutionContext, dir: string, mib = 8): Promise<SmallDisk> {
    await mkdir(dir, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir]);
    t.teardown(() => unmountAndRemove(dir));
    return new SmallDisk(dir);
  }

  private get filler(): string {
    return join(this.dir, 'filler');
  }

  /** Takes every free block: writes to the filler file until the disk says it is full. */
  async fill(): Promise<void> {
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    const fh = await open(this.filler, 'a');
    try {
      for (;;) await fh.write(chunk);
    } catch (err) {
      if (!isNoSpace(err)) throw err;
    } finally {
      await fh.close();
    }
  }

  /** Gives the room back. */
  async free(): Promise<void> {
    await rm(this.filler, { force: true });
  }
}
