/** `cluster init`'s root CA options: the user's own CA (--ca-cert, --ca-key), or an external one (--external-ca). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { caChecks, type InitRequest } from '../../../daemon/index.js';
import { invalidArgument } from '../../../lib/errors.js';
import type { ExternalCA } from '../../../proto/gen/flotilla/ExternalCA.js';
import { labels } from '../../format.js';

/** The user's root CA: its certificate with its key, or with the external CA that signs for it. Checked here, with the reason. */
export async function userCa(
  certFile?: string,
  keyFile?: string,
  externalCa?: string,
): Promise<InitRequest['ca']> {
  if (externalCa !== undefined) {
    if (!certFile)
      throw invalidArgument('--ca-cert', "the external CA's certificate (PEM), with --external-ca");
    if (keyFile)
      throw invalidArgument('--ca-key', 'nothing with --external-ca (the external CA keeps its key)');
    const external = await parseExternalCa(externalCa);
    (await caChecks()).externalRootCa(await readFile(certFile, 'utf8'), external);
    return { certFile: resolve(certFile), external };
  }
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw invalidArgument('--ca-cert and --ca-key', 'both, or neither');
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  await (await caChecks()).rootCa(cert, key);
  return { certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

/** `protocol=cfssl,url=https://HOST/api/v1/cfssl/sign[,cacert=FILE]`. */
async function parseExternalCa(value: string): Promise<ExternalCA> {
  const fields = labels('--external-ca', value.split(','));
  const expected = 'protocol=cfssl,url=http(s)://HOST:PORT/api/v1/cfssl/sign[,cacert=FILE]';
  const unknown = Object.keys(fields).filter((k) => !['protocol', 'url', 'cacert'].includes(k));
  if (fields.protocol !== 'cfssl' || !/^https?:\/\/\S+$/.test(fields.url ?? '') || unknown.length > 0) {
    throw invalidArgument('--external-ca', expected, value);
  }
  return { url: fields.url!, serverCa: fields.cacert ? await readFile(fields.cacert, 'utf8') : '' };
}
