import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 25-character identifier (about 129 bits), as Swarm's object ids. */
export function newId(): string {
  const bytes = randomBytes(25);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % 36];
  return id;
}

export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}
