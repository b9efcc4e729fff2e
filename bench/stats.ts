/** What every benchmark shares: order statistics, and progress lines on stderr. */

/** Nearest rank, of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function progress(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}`);
}

/** The flags `cluster service create` defaults to, as specFromFlags takes them. */
export const CREATE_DEFAULTS = {
  env: [] as string[],
  label: [] as string[],
  containerLabel: [] as string[],
  restartCondition: 'any',
  restartDelay: '5s',
  restartMaxAttempts: '0',
  restartWindow: '0',
  stopGracePeriod: '10s',
};

/** Four significant digits, as the figures are printed. */
export const round = (v: number): number => Number(v.toPrecision(4));
