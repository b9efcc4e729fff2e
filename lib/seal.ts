/**
 * Sealing with AES-256-GCM: what a key seals opens only with the same key and the same
 * context (bound in as additional data, so a sealed value cannot be moved to another
 * object), and any change to the bytes is detected.
 *
 * Layout: [version 1][nonce 12][ciphertext][tag 16].
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { FlotillaError } from './errors.js';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
export const KEY_BYTES = 32;

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A short name for a key that says nothing of it: the first 16 hex digits of its sha256. */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function seal(key: Uint8Array, plain: Uint8Array, context: string): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]);
}

/** The plain bytes; CORRUPT when the key or the context is not the one it was sealed with, or the bytes changed. */
export function open(key: Uint8Array, sealed: Uint8Array, context: string): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + NONCE + TAG || bytes[0] !== VERSION) {
    throw new FlotillaError('CORRUPT', `the sealed ${context} is not in a form this release reads`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + NONCE));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(1 + NONCE, bytes.length - TAG)), decipher.final()]);
  } catch (err) {
    throw new FlotillaError('CORRUPT', `the sealed ${context} does not open with this key`, { cause: err });
  }
}
