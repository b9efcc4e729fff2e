/**
 * The files of a task's secrets and configs, kept in memory (a tmpfs) so that their values
 * never reach a disk: `/dev/shm/flotilla/<node id>/<task id>/`, one directory per node so that
 * nodes sharing a machine (a lab) keep apart. A container task's directory is the daemon's
 * alone (0700) and each of its files is bound read-only at its target. A plain process task
 * ("host") finds its files under the directory FLOTILLA_SECRETS_DIR names, owned by the task's
 * user (0750), each at its target path, a secret's without its /run/secrets/.
 */
import { chmod, chown, lstat, mkdir, open, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { FileReference, Task } from '../proto/types.js';
import type { MountSpec } from '../runtime/driver.js';

export const SECRETS_BASE = '/dev/shm/flotilla';
const SECRETS_DIR = '/run/secrets/';
const DEFAULT_MODE = 0o444;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface Reference {
  kind: 'secret' | 'config';
  ref: FileReference;
}

/** Whose a file or directory is. */
export interface Owner {
  uid: number;
  gid: number;
}

export interface TaskFiles {
  /** A container's files, each to bind read-only at its target. */
  mounts: MountSpec[];
  /** A plain process's directory (its FLOTILLA_SECRETS_DIR). */
  dir?: string;
  /** The values asked for in environment variables, by variable. */
  env: Record<string, string>;
}

/** A task's secrets, then its configs. */
export function references(task: Task): Reference[] {
  const container = task.spec?.container;
  if (!container) return [];
  return [
    ...container.secrets.map((ref) => ({ kind: 'secret' as const, ref })),
    ...container.configs.map((ref) => ({ kind: 'config' as const, ref })),
  ];
}

function describe({ kind, ref }: Reference): string {
  return `${kind} ${JSON.stringify(ref.name)}`;
}

/**
 * Where a file is under a plain process task's directory: its target, less /run/secrets/ for
 * a target there, else less its leading "/". A target that names no file is refused.
 */
export function hostPath(target: string): string {
  const path = posix.normalize(target);
  const relative = path.startsWith(SECRETS_DIR) ? path.slice(SECRETS_DIR.length) : path.slice(1);
  if (!posix.isAbsolute(target) || relative === '' || relative.endsWith('/'))
    throw new Error(`target ${JSON.stringify(target)} is not the absolute path of a file`);
  return relative;
}

/** The paths of a plain process task's files, refusing two that would land on one another. */
export function hostLayout(refs: Reference[]): string[] {
  const paths = refs.map((r) => {
    try {
      return hostPath(r.ref.target);
    } catch (err) {
      throw new Error(`${describe(r)}: ${(err as Error).message}`);
    }
  });
  paths.forEach((a, i) =>
    paths.slice(0, i).forEach((b, j) => {
      if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`))
        throw new Error(
          `${describe(refs[j] as Reference)} and ${describe(refs[i] as Reference)} cannot both be files of a plain process task: their paths are ${b} and ${a} under FLOTILLA_SECRETS_DIR`,
        );
    }),
  );
  return paths;
}

/** Where a container task's file is in its directory (named by position: targets may share names). */
function containerFile(r: Reference, index: number): string {
  if (!posix.isAbsolute(r.ref.target))
    throw new Error(`${describe(r)}: target ${JSON.stringify(r.ref.target)} is not an absolute path`);
  return `${r.kind}-${index}`;
}

/** A file's owner: the reference's uid and gid (decimal), each defaulting to `fallback`'s. */
export function ownerOf(r: Reference, fallback: Owner): Owner {
  const id = (field: 'uid' | 'gid', otherwise: number): number => {
    const value = r.ref[field];
    if (value === '') return otherwise;
    if (!/^\d+$/.test(value))
      throw new Error(`${describe(r)}: ${field} ${JSON.stringify(value)} is not a number`);
    return Number(value);
  };
  return { uid: id('uid', fallback.uid), gid: id('gid', fallback.gid) };
}

export function modeOf(ref: FileReference): number {
  return (ref.mode || DEFAULT_MODE) & 0o777;
}

/** The type of the file system `path` is on, from a mount table (/proc/mounts' format). */
export function fsTypeAt(path: string, mountTable: string): string | undefined {
  let found: { point: string; type: string } | undefined;
  for (const line of mountTable.split('\n')) {
    const [, escaped, type] = line.split(' ');
    if (!escaped || !type) continue;
    const point = escaped.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(parseInt(octal, 8)),
    );
    const holds = point === '/' || path === point || path.startsWith(`${point}/`);
    // The deepest mount point holds the path; of two at one point, the later is on top.
    if (holds && point.length >= (found?.point.length ?? 0)) found = { point, type };
  }
  return found?.type;
}

export class SecretFiles {
  private readonly nodeDir: string;

  constructor(
    nodeId: string,
    private readonly base = SECRETS_BASE,
  ) {
    this.nodeDir = join(base, safeName(nodeId, 'node id'));
  }

  dirOf(taskId: string): string {
    return join(this.nodeDir, safeName(taskId, 'task id'));
  }

  /**
   * Writes a task's files (anew). `owner`: a plain process task's user, who then owns its
   * directory and, unless a reference names others, its files; unset for a container task,
   * whose files are root's unless a reference names others. A reference without a value
   * fails before anything is written.
   */
  async write(
    taskId: string,
    refs: Reference[],
    values: ReadonlyMap<string, Buffer>,
    owner?: Owner,
  ): Promise<TaskFiles> {
    const env: Record<string, string> = {};
    if (refs.length === 0) return { mounts: [], env };
    const paths = owner ? hostLayout(refs) : refs.map(containerFile);
    const files = refs.map((r, i) => {
      const data = values.get(r.ref.id);
      if (!data) throw new Error(`${describe(r)} (${r.ref.id}) has no value on this node`);
      if (r.ref.env && data.includes(0))
        throw new Error(`${describe(r)} cannot be put in ${r.ref.env}: its value holds a NUL byte`);
      if (r.ref.env) env[r.ref.env] = data.toString('utf8');
      return { r, data, path: paths[i] as string, owner: ownerOf(r, owner ?? { uid: 0, gid: 0 }) };
    });
    await this.ensureNodeDir();
    const dir = this.dirOf(taskId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { mode: 0o700 });
    try {
      for (const file of files) {
        await mkdir(join(dir, dirname(file.path)), { recursive: true, mode: 0o700 });
        await writeOwned(join(dir, file.path), file.data, modeOf(file.r.ref), file.owner);
      }
      // Handed to the task's user only once complete.
      if (owner) {
        for (const sub of ['.', ...parentDirs(paths)]) {
          await chown(join(dir, sub), owner.uid, owner.gid);
          await chmod(join(dir, sub), 0o750);
        }
      }
    } catch (err) {
      await this.remove(taskId);
      throw err;
    }
    if (owner) return { mounts: [], dir, env };
    const mounts = files.map(({ r, path }): MountSpec => ({
      type: 'bind',
      source: join(dir, path),
      target: r.ref.target,
      readOnly: true,
    }));
    return { mounts, env };
  }

  remove(taskId: string): Promise<void> {
    return rm(this.dirOf(taskId), { recursive: true, force: true });
  }

  /** Removes the directories of this node's tasks that `held` no longer holds; returns their task ids. */
  async prune(held: (taskId: string) => boolean): Promise<string[]> {
    const names = await readdir(this.nodeDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const gone = names.filter((name) => !held(name));
    for (const name of gone) await rm(join(this.nodeDir, name), { recursive: true, force: true });
    return gone;
  }

  /**
   * The base (the daemon's: /dev/shm lets anyone make it first; and on a tmpfs) and this
   * node's directory in it, which the users of plain process tasks may pass through but not list.
   */
  private async ensureNodeDir(): Promise<void> {
    await mkdir(this.base, { recursive: true, mode: 0o711 });
    const found = await lstat(this.base);
    if (!found.isDirectory() || found.uid !== (process.getuid?.() ?? 0)) {
      throw new Error(
        `${this.base} is not a directory of the daemon's user: someone else made it; remove it for tasks with secrets or configs to run`,
      );
    }
    const type = fsTypeAt(await realpath(this.base), await readFile('/proc/mounts', 'utf8'));
    if (type !== 'tmpfs') {
      throw new Error(
        `${this.base} is not on a tmpfs (but ${type ?? 'on no file system /proc/mounts lists'}): secrets and configs are only written to memory`,
      );
    }
    await chmod(this.base, 0o711);
    await mkdir(this.nodeDir, { recursive: true, mode: 0o711 });
    await chmod(this.nodeDir, 0o711);
  }
}

/** Writes a new file with its owner and mode; nobody else can open it meanwhile. */
async function writeOwned(path: string, data: Buffer, mode: number, owner: Owner): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.chown(owner.uid, owner.gid);
    await file.chmod(mode);
  } finally {
    await file.close();
  }
}

/** Every directory above the relative paths given, e.g. etc and etc/nginx for etc/nginx/nginx.conf. */
function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths)
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) dirs.add(dir);
  return [...dirs];
}

function safeName(name: string, what: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`${what} ${JSON.stringify(name)} cannot name a directory`);
  return name;
}
