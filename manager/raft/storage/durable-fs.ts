/** File-system helpers for writes that must survive a crash once they resolve. */
import { constants, fdatasync, writeSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/** fsync a directory, making the creation, rename or removal of its entries durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Creates `dir` (and missing parents), fsyncing each parent whose entries changed. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, 0o700);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw err;
    await ensureDir(path.dirname(dir));
    await fs.mkdir(dir, 0o700).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  await syncDir(path.dirname(dir));
}

/**
 * fdatasync through the callback API, whose round trip is shorter than
 * FileHandle.datasync()'s: a WAL waits for one on every commit.
 */
export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Writes all of `data` at `position`, looping over short writes. */
export async function writeFully(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** writeFully on this thread, for small writes that only reach the page cache. */
export function writeFullySync(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

/**
 * Replaces `file` with `data` (or its parts one after another, which are not copied into one)
 * so that a crash leaves either the old content or the new, never a mix: write a temp file,
 * fsync it, rename it over `file`, fsync the directory.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | readonly Uint8Array[],
  tempSuffix: string,
): Promise<void> {
  const temp = file + tempSuffix;
  const fh = await fs.open(temp, 'w', 0o600);
  try {
    let at = 0;
    for (const part of data instanceof Uint8Array ? [data] : data) {
      await writeFully(fh, part, at);
      at += part.length;
    }
    await fh.sync();
  } catch (err) {
    // What was written would take space until the next start cleans temp files up.
    await fh.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await fh.close();
  await fs.rename(temp, file);
  await syncDir(path.dirname(file));
}
