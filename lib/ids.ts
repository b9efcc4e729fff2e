import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 25-character identifier (about 129 bits), as Swarm's object ids. */
export function newId(): string {
  // join() makes one flat string; += would keep a chain of pieces behind every id.
  return Array.from(randomBytes(25), (b) => ALPHABET[b % 36]).join('');
}

export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}
