/** A new node's data dir: it must not hold a node already. */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { readIdentity } from '../../../daemon/index.js';
import { FlotillaError } from '../../../lib/errors.js';

/** Creates the data dir for a new node; it must not hold one already. Returns a cleanup for failures. */
export async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  await assertNoNode(dataDir);
  const existed = await readdir(dataDir).then(
    (entries) => entries.length > 0,
    () => false,
  );
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return existed ? async () => undefined : () => rm(dataDir, { recursive: true, force: true });
}

export async function assertNoNode(dataDir: string): Promise<void> {
  if (await readIdentity(dataDir)) {
    throw new FlotillaError(
      'ALREADY_EXISTS',
      `${dataDir} already holds a node; restart it with \`cluster daemon --data-dir ${dataDir}\`, or pick another --data-dir`,
    );
  }
}
