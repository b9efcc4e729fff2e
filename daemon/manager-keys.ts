/**
 * Where a manager keeps the cluster's key-encryption key: in `certs/kek` (0600) — unless the
 * cluster is autolocked: then nowhere on disk, and the manager's own TLS key is kept sealed
 * by it (`certs/key.sealed` instead of `key.pem`), so the data dir alone opens nothing and
 * the daemon starts locked until the user gives the unlock key (`cluster unlock`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../lib/errors.js';
import { open, seal } from '../lib/seal.js';

const TLS_KEY = 'tls key';

const files = (certs: string) => ({
  kek: join(certs, 'kek'),
  key: join(certs, 'key.pem'),
  sealedKey: join(certs, 'key.sealed'),
});

/** The key-encryption key on disk, if this manager keeps it there. */
export function readKek(certs: string): Buffer | undefined {
  const { kek } = files(certs);
  return existsSync(kek) ? readFileSync(kek) : undefined;
}

/** The manager's TLS key is sealed: it starts locked. */
export function isLocked(certs: string): boolean {
  return existsSync(files(certs).sealedKey);
}

/** The manager's TLS key, opened with the unlock key's key-encryption key; PERMISSION_DENIED for a wrong key. */
export function openTlsKey(certs: string, kek: Buffer): string {
  try {
    return open(kek, readFileSync(files(certs).sealedKey), TLS_KEY).toString('utf8');
  } catch {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      'this unlock key does not open this manager: give the one `cluster init --autolock` or the last `cluster unlock-key --rotate` printed (one rotated away also opens a manager that was down during the rotation)',
    );
  }
}

/**
 * Keeps `kek` as the manager's key from now on: on disk (the TLS key in clear), or with
 * autolock only as the seal of the TLS key (`tlsKey`, PEM). Each file is written whole and
 * renamed into place; the old form goes last, so a crash leaves one that opens.
 */
export async function keepKek(certs: string, kek: Buffer, autolock: boolean, tlsKey: string): Promise<void> {
  const f = files(certs);
  const put = async (file: string, data: string | Buffer) => {
    await writeFile(`${file}.tmp`, data, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  };
  if (autolock) {
    await put(f.sealedKey, seal(kek, Buffer.from(tlsKey), TLS_KEY));
    await rm(f.key, { force: true });
    await rm(f.kek, { force: true });
  } else {
    await put(f.kek, kek);
    await put(f.key, tlsKey);
    await rm(f.sealedKey, { force: true });
  }
}
