/**
 * A full disk: how to tell one from other write errors, and what people are told about it.
 * A daemon whose disk fills up keeps running and refuses what it cannot save, so the message
 * says where the disk is full and that freeing space there is enough.
 */
import { FlotillaError } from './errors.js';

/** No room left on the file system, or in the user's quota on it. */
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** True when `err`, or an error it was caused by, says the disk (or the quota) is full. */
export function isNoSpace(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && NO_SPACE_CODES.has(code)) return true;
  }
  return false;
}

/**
 * RESOURCE_EXHAUSTED naming the full disk. `what`: what could not be saved, e.g. "this manager
 * cannot save writes to its Raft log".
 */
export function diskFull(path: string, what: string, cause: unknown): FlotillaError {
  return new FlotillaError(
    'RESOURCE_EXHAUSTED',
    `the disk holding ${path} is full: ${what}. Free space on that disk (or give it more): ` +
      'it goes on by itself once there is room, without a restart',
    { cause },
  );
}
