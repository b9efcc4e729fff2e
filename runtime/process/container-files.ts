/**
 * The on-disk state of one process container, `<root>/<id>/`:
 *   spec.json   the ContainerSpec plus createdAt, written once at create; of its secretEnv
 *               only the names (the values never reach the disk)
 *   stdout.log  stderr.log   the process's output, appended; they outlive the agent
 *   stdout.log.times  stderr.log.times   when each chunk of the output was written (log-file.ts)
 *   pid         the wrapper's pid (= its process group and session); its mtime is startedAt
 *   exit        the exit code, written by the wrapper (or by the driver if the wrapper was
 *               killed before it could); its mtime is finishedAt
 * Everything a restarted agent needs to adopt the container is here.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSpec } from '../driver.js';
import { FlotillaError } from '../../lib/errors.js';

export interface StoredSpec extends Omit<ContainerSpec, 'secretEnv'> {
  createdAt: number;
  /** The names in the spec's secretEnv, whose values the driver holds in memory. */
  secretEnvNames?: string[];
}

export interface RecordedPid {
  pid: number;
  startedAt: number;
}

export interface RecordedExit {
  exitCode: number;
  finishedAt: number;
}

export class ContainerFiles {
  readonly spec: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: string;
  readonly exit: string;

  constructor(readonly dir: string) {
    this.spec = join(dir, 'spec.json');
    this.stdout = join(dir, 'stdout.log');
    this.stderr = join(dir, 'stderr.log');
    this.pid = join(dir, 'pid');
    this.exit = join(dir, 'exit');
  }

  /** Undefined when the container does not exist (or its create never finished). */
  async readSpec(): Promise<StoredSpec | undefined> {
    const text = await readIfExists(this.spec);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as StoredSpec;
    } catch (err) {
      throw new FlotillaError('CORRUPT', `${this.spec} is not valid JSON`, { cause: err });
    }
  }

  writeSpec(spec: StoredSpec): Promise<void> {
    return writeAtomically(this.spec, JSON.stringify(spec, null, 2) + '\n');
  }

  async readPid(): Promise<RecordedPid | undefined> {
    const recorded = await readNumberFile(this.pid);
    return recorded && { pid: recorded.value, startedAt: recorded.mtimeMs };
  }

  writePid(pid: number): Promise<void> {
    return writeAtomically(this.pid, `${pid}\n`);
  }

  async readExit(): Promise<RecordedExit | undefined> {
    const recorded = await readNumberFile(this.exit);
    return recorded && { exitCode: recorded.value, finishedAt: recorded.mtimeMs };
  }

  /** Same format as the wrapper writes, for exits the wrapper could not record itself. */
  writeExit(exitCode: number): Promise<void> {
    return writeAtomically(this.exit, `${exitCode}\n`);
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The number in `path` and when it was written (files are only ever renamed into place). */
async function readNumberFile(path: string): Promise<{ value: number; mtimeMs: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const value = Number.parseInt((await handle.readFile('utf8')).trim(), 10);
    if (!Number.isSafeInteger(value)) throw new FlotillaError('CORRUPT', `${path} does not hold a number`);
    return { value, mtimeMs: Math.round((await handle.stat()).mtimeMs) };
  } finally {
    await handle.close();
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}
