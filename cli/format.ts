/** Turning flags into values and values into text for people. */
import { invalidArgument } from '../lib/errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "5s", "1m30s", "2h" -> milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (value === '0') return 0;
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw invalidArgument(flag, 'a duration such as 500ms, 5s, 1m30s', value);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0));
}

/** Milliseconds -> "500ms", "5s", "1m30s", "2h": what parseDuration reads back. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNITS[unit] ?? 1;
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** A commander argument parser for repeatable flags: each value appended to the list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `KEY=VALUE` (or a bare `KEY`, value "") flags as a label map. */
export function labels(flag: string, values: string[]): Record<string, string> {
  return Object.fromEntries(
    values.map((v) => {
      const eq = v.indexOf('=');
      if (eq === 0) throw invalidArgument(flag, 'KEY or KEY=VALUE', v);
      return eq < 0 ? [v, ''] : [v.slice(0, eq), v.slice(eq + 1)];
    }),
  );
}

export function parseCount(flag: string, value: string, max = 100_000): number {
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw invalidArgument(flag, `a whole number from 0 to ${max}`, value);
  }
  return Number(value);
}

/** Columns padded to their widest cell, as `docker ... ls` prints them. */
export function table(header: string[], rows: string[][]): string {
  // A fold, not Math.max(...rows): spread over 100,000 rows, the arguments overflow the stack.
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** "Running", "Shutdown": a state as the tables show it. */
export function titleCase(state: string): string {
  return state.charAt(0) + state.slice(1).toLowerCase();
}

/**
 * An object as `inspect` shows it to people: its times (`createdAt`, `timestamp`,
 * `runningSince`, `expiresAtMs`...: epoch milliseconds) as ISO 8601 strings, a `...AtMs` key
 * losing its `Ms`; a time of 0 (not yet) is null.
 */
export function forPeople(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forPeople);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' && TIME_KEY.test(key)) {
      out[key.replace(/AtMs$/, 'At')] = v === 0 ? null : new Date(v).toISOString();
    } else out[key] = forPeople(v);
  }
  return out;
}

const TIME_KEY = /^(timestamp|runningSince|\w+At|\w+AtMs)$/;

/** `inspect`: each object in full, as one JSON array, as `forPeople` shows it. */
export async function printInspected<T>(refs: string[], get: (ref: string) => Promise<T>): Promise<void> {
  const out: unknown[] = [];
  for (const ref of refs) out.push(forPeople(await get(ref)));
  console.log(JSON.stringify(out, null, 2));
}

/** `inspect --pretty`: each object as text for people, a blank line between; `view` gives undefined for none. */
export async function printViews(
  refs: string[],
  view: (ref: string) => Promise<string | undefined>,
): Promise<void> {
  const views: string[] = [];
  for (const ref of refs) {
    const text = await view(ref);
    if (text !== undefined) views.push(text);
  }
  console.log(views.join('\n\n'));
}

/** `rm`: removes each object in turn and prints its reference once it is gone; the first failure stops. */
export async function removeEach(refs: string[], remove: (ref: string) => Promise<unknown>): Promise<void> {
  for (const ref of refs) {
    await remove(ref);
    console.log(ref);
  }
}
