/**
 * What every listing shares (`service ls | ps`, `node ls | ps`, `network ls`, `secret ls`,
 * `config ls`): `-q/--quiet` (the full ids, one a line), `--filter KEY=VALUE` (one key's
 * values: any of them; different keys: all of them, as docker) and `--format`:
 *
 *   table            the default table (ids cut to 12 characters)
 *   json             the rows as a JSON array of objects, with the fields of the templates
 *   raw              the objects as the managers answer them, whole (a JSON array)
 *   TEMPLATE         e.g. '{{.Name}} {{.Node}}' (see go-template.ts), a line per row
 *   table TEMPLATE   the same as a table with a header, e.g. 'table {{.ID}}\t{{.Name}}'
 *
 * The listings the managers page (nodes, services, tasks) also take `--limit N`: at most N
 * rows, the first N in id order that pass the filters, read page by page (pages.ts) until
 * there are N; they show in the listing's own order.
 *
 * A listing describes its rows as columns: each a field of the rows (docker's name for it),
 * its header, and whether the default table shows it.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../lib/errors.js';
import { collect, table } from './format.js';
import { parseTemplate, type Template } from './go-template.js';

export interface Column<T> {
  field: string;
  header: string;
  value(item: T): string;
  /** In the default table, when it differs from the value. */
  cell?(item: T): string;
  /** The default table leaves it out. */
  extra?: true;
}

export interface Filter<T> {
  match(item: T, value: string): boolean;
  /** The values it takes, when they are few. */
  values?: readonly string[];
}

export interface Listing<T> {
  columns: readonly Column<T>[];
  filters: Readonly<Record<string, Filter<T>>>;
  id(item: T): string;
  /** The item as the managers answer it, for `--format raw`. */
  raw(item: T): unknown;
}

export interface ListOptions {
  quiet?: boolean;
  filter: string[];
  format: string;
  /** `--limit`, as given (listings that page). */
  limit?: string;
}

/**
 * Adds -q, --filter and --format to a listing command, their help naming its keys and fields;
 * and --limit to one the managers answer page by page (`paged`).
 */
export function addListOptions<T>(cmd: Command, listing: Listing<T>, paged = false): Command {
  const fields = listing.columns.map((c) => `.${c.field}`).join(' ');
  if (paged) {
    cmd.option(
      '--limit <N>',
      'show at most N rows: the first N by id that pass the filters (the managers are asked for no more than it takes)',
    );
  }
  return cmd
    .option('-q, --quiet', 'print the ids only')
    .option(
      '-f, --filter <KEY=VALUE>',
      `keep what matches (repeatable: a key given twice matches either value; different keys, all): ${Object.keys(listing.filters).join(', ')}`,
      collect,
      [],
    )
    .option(
      '--format <format>',
      `table, json (the rows), raw (the whole objects), or a template such as '{{.ID}} {{json .}}' ('table ...': with a header); fields: ${fields}`,
      'table',
    );
}

/**
 * Makes `cmd` a listing command: the listing's options (see addListOptions), checked before
 * anything is asked of a manager; then it prints the items that `items` gives, in its order.
 * `items` gets the options, then the command's arguments.
 */
export function listingCommand<T, A extends unknown[] = []>(
  cmd: Command,
  listing: Listing<T>,
  items: (o: ListOptions, ...args: A) => Promise<T[]>,
  paged = false,
): Command {
  return addListOptions(cmd, listing, paged).action(async (...given: unknown[]) => {
    // Commander passes the arguments, then the options, then the command itself.
    const o = given.at(-2) as ListOptions;
    const print = listingPrinter(listing, o);
    printListing(print(await items(o, ...(given.slice(0, -2) as A))));
  });
}

/** A filter as given: its key and the value after the first "=". */
function parseFilter<T>(listing: Listing<T>, given: string): [string, string] {
  const eq = given.indexOf('=');
  if (eq < 1) throw invalidArgument('--filter', 'KEY=VALUE', given);
  const key = given.slice(0, eq);
  const value = given.slice(eq + 1);
  const filter = listing.filters[key];
  if (!filter)
    throw invalidArgument('--filter', `a key among ${Object.keys(listing.filters).join(', ')}`, key);
  if (filter.values && !filter.values.includes(value)) {
    throw invalidArgument(`--filter ${key}`, filter.values.join(', '), value);
  }
  return [key, value];
}

/** Whether an item passes the `--filter`s (undefined: there are none). */
export function listingFilter<T>(listing: Listing<T>, o: ListOptions): ((item: T) => boolean) | undefined {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of o.filter.map((f) => parseFilter(listing, f))) {
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  if (byKey.size === 0) return undefined;
  return (item) =>
    [...byKey].every(([key, values]) => values.some((v) => listing.filters[key]!.match(item, v)));
}

/** `--limit`: a whole number of rows above 0, or undefined when not given. */
export function rowLimit(o: ListOptions): number | undefined {
  if (o.limit === undefined) return undefined;
  const n = Number(o.limit);
  if (!/^\d+$/.test(o.limit) || !Number.isSafeInteger(n) || n < 1) {
    throw invalidArgument('--limit', 'a whole number of rows, 1 or more', o.limit);
  }
  return n;
}

/**
 * Checks the options (before anything is asked of a manager) and returns what prints the
 * items: those that pass the filters, in the order given, as the options say.
 */
export function listingPrinter<T>(listing: Listing<T>, o: ListOptions): (items: T[]) => string {
  const keep = listingFilter(listing, o);
  rowLimit(o);
  const show = shower(listing, o);
  return (items) => show(keep ? items.filter(keep) : items);
}

function shower<T>(listing: Listing<T>, o: ListOptions): (items: T[]) => string {
  const { columns } = listing;
  const rowOf = (item: T) => Object.fromEntries(columns.map((c) => [c.field, c.value(item)]));
  if (o.quiet) return (items) => items.map(listing.id).join('\n');
  const format = o.format.trim();
  if (format === 'table') {
    const shown = columns.filter((c) => !c.extra);
    return (items) =>
      table(
        shown.map((c) => c.header),
        items.map((item) => shown.map((c) => (c.cell ?? c.value)(item))),
      );
  }
  if (format === 'json') return (items) => JSON.stringify(items.map(rowOf), null, 2);
  if (format === 'raw') return (items) => JSON.stringify(items.map(listing.raw), null, 2);
  const withHeader = format.startsWith('table ');
  const template: Template = parseTemplate(
    withHeader ? format.slice('table '.length).trim() : format,
    columns.map((c) => c.field),
  );
  if (!withHeader) return (items) => items.map((item) => template.render(rowOf(item))).join('\n');
  const headers = Object.fromEntries(columns.map((c) => [c.field, c.header]));
  const cells = (line: string) => line.split('\t');
  return (items) =>
    table(
      cells(template.render(headers)),
      items.map((item) => cells(template.render(rowOf(item)))),
    );
}

/** Prints a listing's output: nothing at all when it is empty (no blank line). */
export function printListing(output: string): void {
  if (output) console.log(output);
}

/** `id=PREFIX`. */
export const idFilter = <T>(id: (item: T) => string): Filter<T> => ({
  match: (item, prefix) => id(item).startsWith(prefix),
});

/** `name=PREFIX`, as docker's name filters of services, nodes, secrets and configs. */
export const nameFilter = <T>(name: (item: T) => string): Filter<T> => ({
  match: (item, prefix) => name(item).startsWith(prefix),
});

/** `label=KEY` (the label is set) or `label=KEY=VALUE` (to that value). */
export const labelFilter = <T>(labels: (item: T) => Record<string, string> | undefined): Filter<T> => ({
  match: (item, wanted) => {
    const have = labels(item) ?? {};
    const eq = wanted.indexOf('=');
    if (eq < 0) return Object.hasOwn(have, wanted);
    return have[wanted.slice(0, eq)] === wanted.slice(eq + 1);
  },
});
