/**
 * Resolves a container's `user` (USER[:GROUP], names or numeric ids) against the node's
 * /etc/passwd and /etc/group, as Docker resolves it against the image's; and group names
 * alone (the daemon's --socket-group).
 */
import { readFile } from 'node:fs/promises';
import { FlotillaError, invalidArgument } from '../lib/errors.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** The user's home from /etc/passwd, or "/" for a uid that has no entry (as Docker does). */
  home: string;
}

export interface UserFiles {
  passwd: string;
  group: string;
}

const SYSTEM_FILES: UserFiles = { passwd: '/etc/passwd', group: '/etc/group' };
const NUMERIC = /^\d+$/;

/** The `name:x:id:...` lines of a passwd or group file; a missing file has none. */
async function entries(path: string): Promise<string[][]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

export async function resolveUser(spec: string, files: UserFiles = SYSTEM_FILES): Promise<ResolvedUser> {
  const [user = '', group, ...rest] = spec.split(':');
  if (user === '' || group === '' || rest.length > 0) {
    throw invalidArgument('user', 'USER[:GROUP], each a name or a numeric id', spec);
  }
  const entry = await lookup(files.passwd, user);
  if (!entry && !NUMERIC.test(user)) throw notFoundIn('user', user, files.passwd);
  let gid = Number(entry?.[3] ?? 0); // as Docker: a uid without an entry gets group 0
  if (group !== undefined) gid = await resolveGroup(group, files);
  return { uid: Number(entry?.[2] ?? user), gid, home: entry?.[5] || '/' };
}

/** The id of a group named in /etc/group; a numeric id is taken as it is. */
export async function resolveGroup(group: string, files: UserFiles = SYSTEM_FILES): Promise<number> {
  const found = NUMERIC.test(group) ? undefined : await lookup(files.group, group);
  if (!found && !NUMERIC.test(group)) throw notFoundIn('group', group, files.group);
  return Number(found?.[2] ?? group);
}

/** The entry of a name (field 0) or a numeric id (field 2). */
async function lookup(path: string, nameOrId: string): Promise<string[] | undefined> {
  const field = NUMERIC.test(nameOrId) ? 2 : 0;
  return (await entries(path)).find((e) => e[field] === nameOrId);
}

function notFoundIn(kind: string, name: string, path: string): FlotillaError {
  return new FlotillaError('NOT_FOUND', `${kind} ${JSON.stringify(name)} not found in ${path}`);
}
