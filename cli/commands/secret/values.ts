/**
 * The values of secrets and configs: read from a file or standard input (with a size limit),
 * and shown without their bytes. A secret's value goes in once and never comes back out; a
 * config's value is shown, as text when it is UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { FlotillaError, isFlotillaError } from '../../../lib/errors.js';
import { formatBytes } from '../../../lib/sizes.js';
import type { Config, Secret } from '../../../proto/types.js';

/** The most a secret or a config may hold (the manager holds to it too). */
export const MAX_VALUE_BYTES = 500 * 1024;

/** A secret or a config, and the names of the services that use it. */
export interface Entry {
  stored: Secret | Config | null;
  services: string[];
}

/**
 * The stored object as JSON shows it, without its byte fields (JSON would spell them out
 * byte by byte): the sealed value never leaves the store, and a secret's answer carries no
 * value; a config's value, read, takes the place of its data. Keys set to undefined are
 * left out of the JSON, and the others keep their order.
 */
function shownObject(stored: Secret | Config | null, value?: ReturnType<typeof readable> | null) {
  return (
    stored && {
      ...stored,
      spec: stored.spec && { ...stored.spec, data: undefined, ...value },
      sealed: undefined,
    }
  );
}

/** A config's value as text when it is UTF-8, else as base64, saying which. */
function readable(value: Buffer): { data: string; encoding: 'utf-8' | 'base64' } {
  return isUtf8(value)
    ? { data: value.toString('utf8'), encoding: 'utf-8' }
    : { data: value.toString('base64'), encoding: 'base64' };
}

export const shownSecret = ({ stored, services }: Entry) => ({ secret: shownObject(stored), services });

export const shownConfig = ({ stored, services }: Entry) => ({
  config: shownObject(stored, stored?.spec && readable(stored.spec.data)),
  services,
});

/**
 * The value to store: the file's content, or standard input's for "-". Bigger than
 * MAX_VALUE_BYTES is refused as soon as the reading gets there.
 */
export async function readValue(
  noun: string,
  path: string,
  stdin: Readable = process.stdin,
): Promise<Buffer> {
  const source = path === '-' ? 'standard input' : path;
  const input = path === '-' ? stdin : createReadStream(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > MAX_VALUE_BYTES) {
        throw new FlotillaError(
          'RESOURCE_EXHAUSTED',
          `${source} is larger than ${formatBytes(MAX_VALUE_BYTES)}, the most a ${noun} may hold`,
        );
      }
      chunks.push(bytes);
    }
  } catch (err) {
    if (isFlotillaError(err)) throw err;
    throw new FlotillaError('INVALID_ARGUMENT', `cannot read ${source}: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}
