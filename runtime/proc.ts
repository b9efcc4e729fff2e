/** What the runtime drivers read from Linux's /proc. */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export interface ProcStat {
  pid: number;
  /** R, S, D, Z, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  cpuTicks: number;
  rssPages: number;
}

/** The process's argv, [] for a zombie, undefined when there is no such process. */
export async function readCmdline(pid: number): Promise<string[] | undefined> {
  const text = await readProcFile(`/proc/${pid}/cmdline`);
  if (text === undefined) return undefined;
  return text === '' ? [] : text.replace(/\0$/, '').split('\0');
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readProcFile(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
  const rest = text?.slice(text.lastIndexOf(')') + 2).split(' ');
  if (rest === undefined) return undefined;
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid,
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    cpuTicks: field(14) + field(15) + field(16) + field(17),
    rssPages: field(24),
  };
}

/** Every live (non-zombie) process. */
async function liveProcesses(): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const stats = await Promise.all(pids.map((pid) => readStat(pid)));
  return stats.filter((s): s is ProcStat => s !== undefined && s.state !== 'Z');
}

/** Live processes whose process group is `pgid`. */
export async function groupMembers(pgid: number): Promise<ProcStat[]> {
  return (await liveProcesses()).filter((s) => s.pgrp === pgid);
}

/** Sends SIGKILL to `pid`'s children, their children, and so on (not to `pid` itself). */
export async function killDescendants(pid: number): Promise<void> {
  const children = new Map<number, number[]>();
  for (const s of await liveProcesses()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
      queue.push(child);
    }
  }
}

export interface SystemUnits {
  clockTicksPerSecond: number;
  pageSize: number;
}

let units: Promise<SystemUnits> | undefined;

/** Units of /proc/<pid>/stat, from getconf (Node has no sysconf); the usual Linux values if that fails. */
export function systemUnits(): Promise<SystemUnits> {
  units ??= (async () => {
    const run = promisify(execFile);
    const read = async (name: string, fallback: number): Promise<number> => {
      try {
        const value = Number((await run('getconf', [name])).stdout.trim());
        return value > 0 ? value : fallback;
      } catch {
        return fallback;
      }
    };
    return { clockTicksPerSecond: await read('CLK_TCK', 100), pageSize: await read('PAGESIZE', 4096) };
  })();
  return units;
}

async function readProcFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    // The process may exit between listing /proc and reading its files.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}
