/**
 * Listings that page (ListNodes, ListServices, ListTasks): rows in id order, at most `limit`
 * of them from where `page_token` left off. The token is the last id a page gave, with the
 * table it came from, as base64url: opaque to callers, and a page starts after that id
 * whatever was added or removed meanwhile, so no row that stayed is repeated or skipped.
 */
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { compareIds } from '../store/sorted-ids.js';
import type { Table } from '../store/types.js';

/**
 * The most rows one answer holds. A task is a few KiB at most as gRPC sends it, so 10,000 of
 * them stay well under the 64 MiB a message may be (proto/rpc.ts), and a page is read and
 * encoded in tens of milliseconds, not seconds, so it does not hold up the manager's loop.
 */
export const MAX_PAGE_ROWS = 10_000;

/**
 * The most an answer's rows may weigh, as JSON text: a quarter of the 64 MiB a message may be.
 * Protobuf is smaller than JSON for the same object (tags for names, defaults left out)
 * except that a character of text takes up to 3 bytes in UTF-8, hence the quarter. A page
 * that reaches it ends early, with the token of the next (a spec may be 512 KiB).
 */
export const MAX_PAGE_WEIGHT = 16 * 1024 * 1024;

/** Weights of the store's objects, which are frozen and so weigh the same for their lifetime. */
const weights = new WeakMap<object, number>();

/**
 * What a row adds to an answer, as JSON text. A stored (frozen) object is weighed once: a
 * listing of every node, asked for again and again, would otherwise stringify them all each time.
 */
export function jsonWeight(row: unknown): number {
  if (typeof row !== 'object' || row === null || !Object.isFrozen(row)) return JSON.stringify(row).length;
  let w = weights.get(row);
  if (w === undefined) weights.set(row, (w = JSON.stringify(row).length));
  return w;
}

export interface PageRequest {
  limit: number;
  pageToken: string;
}

/** Where a page starts and how many rows it takes (`whole`: limit 0, every row or a refusal). */
export interface Page {
  table: Table;
  after: string;
  limit: number;
  whole: boolean;
}

export function pageOf(table: Table, req: PageRequest): Page {
  const { limit } = req;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_ROWS) {
    throw invalidArgument('limit', `0 (all rows) or 1 to ${MAX_PAGE_ROWS} rows a page`, limit);
  }
  return {
    table,
    after: req.pageToken ? afterOf(table, req.pageToken) : '',
    limit: limit || MAX_PAGE_ROWS,
    whole: limit === 0,
  };
}

/**
 * Up to a page of `rows` (in id order), and the token of the next page ('' when none is
 * left). A page ends early when its rows would weigh more than MAX_PAGE_WEIGHT (`weight`:
 * what a row adds to the answer).
 */
export function takePage<T extends { id: string }>(
  rows: Iterable<T>,
  page: Page,
  weight: (row: T) => number = jsonWeight,
): { rows: T[]; nextPageToken: string } {
  const out: T[] = [];
  let total = 0;
  for (const row of rows) {
    const w = out.length === page.limit ? 0 : weight(row);
    if (out.length === page.limit || (out.length > 0 && total + w > MAX_PAGE_WEIGHT)) {
      if (page.whole) {
        throw new FlotillaError(
          'RESOURCE_EXHAUSTED',
          `limit 0 asks for all ${page.table} in one answer, and there are more than one answer holds (${MAX_PAGE_ROWS} rows, ${MAX_PAGE_WEIGHT >> 20} MiB): ask for pages (limit 1 to ${MAX_PAGE_ROWS}, then each answer's next_page_token as page_token)`,
        );
      }
      return { rows: out, nextPageToken: tokenOf(page.table, out[out.length - 1]!.id) };
    }
    total += w;
    out.push(row);
  }
  return { rows: out, nextPageToken: '' };
}

/** The rows of several id-ordered sources as one id-ordered source, each id once. */
export function* mergeById<T extends { id: string }>(sources: Iterable<T>[]): Iterable<T> {
  const heads = sources.map((s) => s[Symbol.iterator]());
  const current = heads.map((it) => it.next());
  for (;;) {
    let min = -1;
    for (let i = 0; i < current.length; i++) {
      const r = current[i]!;
      if (r.done) continue;
      const m = min < 0 ? undefined : current[min]!;
      if (!m || m.done || compareIds(r.value.id, m.value.id) < 0) min = i;
    }
    if (min < 0) return;
    const row = (current[min] as IteratorYieldResult<T>).value;
    yield row;
    for (let i = 0; i < current.length; i++) {
      const r = current[i]!;
      if (!r.done && r.value.id === row.id) current[i] = heads[i]!.next();
    }
  }
}

function tokenOf(table: Table, lastId: string): string {
  return Buffer.from(`${table}/${lastId}`).toString('base64url');
}

function afterOf(table: Table, token: string): string {
  const text = Buffer.from(token, 'base64url').toString();
  const prefix = `${table}/`;
  // Node's decoder skips what is not base64url: only a token it would write back is one.
  if (tokenOf(table, text.slice(prefix.length)) !== token || !text.startsWith(prefix) || text === prefix) {
    throw invalidArgument(
      'page_token',
      `the next_page_token of an earlier answer listing ${table} (or '' for the first page)`,
      token,
    );
  }
  return text.slice(prefix.length);
}
