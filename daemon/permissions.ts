/**
 * Who may reach what a node keeps. The data dir is the node's alone (0700): its identity, the
 * cluster's state in the Raft log, the tasks' specs and env. The local control socket, which
 * answers every control call unasked, is the daemon user's (0600) or, with --socket-group, that
 * group's too (0660); the group may then also pass through the data dir to it (0710: through,
 * not list).
 */
import { chmod, chown } from 'node:fs/promises';
import { FlotillaError, isFlotillaError } from '../lib/errors.js';
import { resolveGroup } from '../runtime/users.js';

/** The id of the group named by --socket-group; undefined without one. */
export async function socketGroupId(name: string | undefined): Promise<number | undefined> {
  if (name === undefined) return undefined;
  try {
    return await resolveGroup(name);
  } catch (err) {
    if (!isFlotillaError(err, 'NOT_FOUND')) throw err;
    throw new FlotillaError('INVALID_ARGUMENT', `invalid --socket-group: ${err.message}`);
  }
}

export async function restrictDataDir(dir: string, socketGid: number | undefined): Promise<void> {
  if (socketGid !== undefined) await giveGroup(dir, socketGid);
  await chmod(dir, socketGid === undefined ? 0o700 : 0o710);
}

/** Right after the socket is bound. */
export async function restrictSocket(path: string, socketGid: number | undefined): Promise<void> {
  if (socketGid !== undefined) await giveGroup(path, socketGid);
  await chmod(path, socketGid === undefined ? 0o600 : 0o660);
}

async function giveGroup(path: string, gid: number): Promise<void> {
  try {
    await chown(path, -1, gid);
  } catch (err) {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      `cannot give ${path} the group ${gid} of --socket-group: ${(err as Error).message}; the daemon's user must be in that group`,
      { cause: err },
    );
  }
}
