/** CPU time and memory of a container's cgroup, read from the cgroup file system (v1 or v2). */
import { readFile } from 'node:fs/promises';
import type { Stats } from '../driver.js';

const CGROUP = '/sys/fs/cgroup';

export async function cgroupStats(path: string): Promise<Stats> {
  const read = (file: string): Promise<string | undefined> =>
    readFile(`${CGROUP}${file}`, 'utf8').catch(() => undefined);
  const v1cpu = await read(`/cpuacct${path}/cpuacct.usage`);
  if (v1cpu !== undefined) {
    const memory = await read(`/memory${path}/memory.usage_in_bytes`);
    return { cpuSeconds: Number(v1cpu) / 1e9, memoryBytes: Number(memory ?? 0) };
  }
  const cpuStat = (await read(`${path}/cpu.stat`)) ?? '';
  const usec = /usage_usec (\d+)/.exec(cpuStat)?.[1] ?? '0';
  const memory = await read(`${path}/memory.current`);
  return { cpuSeconds: Number(usec) / 1e6, memoryBytes: Number(memory ?? 0) };
}
