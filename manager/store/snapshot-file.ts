/**
 * The store's state in one file, replaced atomically: write a temporary file, fsync it,
 * rename it over the old one, fsync the directory. A crash leaves the old or the new file.
 */
import { open, rename, readFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlotillaError } from '../../lib/errors.js';
import { codec } from '../../proto/load.js';
import type { StoreSnapshot } from '../../proto/types.js';
import type { StoreSnapshotData } from './types.js';

const snapshotCodec = codec<StoreSnapshot>('flotilla.StoreSnapshot');

export async function writeSnapshotFile(path: string, snap: StoreSnapshotData): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(snapshotCodec.encode(snap));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function readSnapshotFile(path: string): Promise<StoreSnapshotData | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return snapshotCodec.decode(bytes);
  } catch (err) {
    throw new FlotillaError(
      'CORRUPT',
      `cannot decode the store state in ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
