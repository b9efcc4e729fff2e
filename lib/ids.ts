import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 25-character identifier (about 129 bits), as Swarm's object ids. */
export function newId(): string {
  // join() makes one flat string; += would keep a chain of pieces behind every id.
  return Array.from(randomBytes(25), (b) => ALPHABET[b % 36]).join('');
}

/**
 * The identifier `bytes` stand for, in the form of `newId`: the same bytes always give the
 * same id (a node's id from its public key, so that a join made again finds the first).
 */
export function idOf(bytes: Uint8Array): string {
  const digest = createHash('sha256').update(bytes).digest();
  return Array.from(digest.subarray(0, 25), (b) => ALPHABET[b % 36]).join('');
}

export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}
