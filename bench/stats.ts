/** What every benchmark shares: order statistics, CPU used by a process, and progress lines on stderr. */
import { readFileSync } from 'node:fs';

/** Nearest rank, of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * CPU seconds (user + system) a process has used, from /proc (NaN once it is gone): what a
 * process costs per operation, a figure that a busy machine disturbs far less than latency.
 */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // After the command: state is field 3, utime and stime fields 14 and 15 (clock ticks, 100 a second).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export function progress(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}`);
}

/** Four significant digits, as the figures are printed. */
export const round = (v: number): number => Number(v.toPrecision(4));
