/**
 * A TLS identity in a directory, as nodes keep theirs (`certs/` in the data dir) and as
 * `cluster ca issue-client --out DIR` writes one for a remote CLI: `ca.pem` (the roots to
 * trust), `cert.pem` and `key.pem`. Readable by the owner only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../lib/errors.js';
import type { TlsMaterial } from '../proto/tls.js';

const files = (dir: string) => ({
  ca: join(dir, 'ca.pem'),
  cert: join(dir, 'cert.pem'),
  key: join(dir, 'key.pem'),
});

/** `key`: the key when it is not in the directory in clear (a manager's, sealed: daemon/manager-keys.ts). */
export function readTlsDir(dir: string, key?: string): Required<TlsMaterial> {
  const f = files(dir);
  try {
    return {
      ca: readFileSync(f.ca, 'utf8'),
      cert: readFileSync(f.cert, 'utf8'),
      key: key ?? readFileSync(f.key, 'utf8'),
    };
  } catch (err) {
    throw new FlotillaError(
      'NOT_FOUND',
      `cannot read a certificate from ${dir} (ca.pem, cert.pem, key.pem): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Writes each file whole, then renames it in place, so a crash leaves the old or the new one. */
export async function writeTlsDir(dir: string, material: Required<TlsMaterial>): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const f = files(dir);
  // A key kept sealed stays so (renewals keep the key).
  const keySealed = existsSync(join(dir, 'key.sealed'));
  // The key first: a new certificate on disk always has its key beside it.
  for (const [file, text] of [
    ...(keySealed ? [] : ([[f.key, material.key]] as const)),
    [f.cert, material.cert],
    [f.ca, material.ca],
  ] as const) {
    await writeFile(`${file}.tmp`, text, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
}
