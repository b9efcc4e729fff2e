/** `cluster secret ls` and `cluster config ls`: their fields, filters and table. */
import type { Command } from 'commander';
import { humanDuration } from '../../../lib/durations.js';
import { idFilter, labelFilter, listingCommand, nameFilter, type Listing } from '../../listing.js';
import type { Connect } from '../types.js';
import type { Kind } from './kinds.js';
import type { Entry } from './values.js';

/** A listed secret or config, and when the listing was made (the times say how long ago). */
export interface ListedEntry {
  entry: Entry;
  now: number;
}

const ago = (now: number, at: number | undefined) => `${humanDuration(now - (at ?? now))} ago`;

/** `secret ls` and `config ls`: their fields, filters and table. */
export function entryListing(kind: Pick<Kind, 'shown'>): Listing<ListedEntry> {
  const stored = (i: ListedEntry) => i.entry.stored;
  return {
    columns: [
      {
        field: 'ID',
        header: 'ID',
        value: (i) => stored(i)?.id ?? '',
        cell: (i) => stored(i)?.id.slice(0, 12) ?? '',
      },
      { field: 'Name', header: 'NAME', value: (i) => stored(i)?.spec?.name ?? '' },
      { field: 'CreatedAt', header: 'CREATED', value: (i) => ago(i.now, stored(i)?.meta?.createdAt) },
      { field: 'UpdatedAt', header: 'UPDATED', value: (i) => ago(i.now, stored(i)?.meta?.updatedAt) },
      { field: 'Services', header: 'SERVICES', value: (i) => i.entry.services.join(',') || '-' },
    ],
    filters: {
      id: idFilter((i) => stored(i)?.id ?? ''),
      name: nameFilter((i) => stored(i)?.spec?.name ?? ''),
      label: labelFilter((i) => stored(i)?.spec?.labels),
    },
    id: (i) => stored(i)?.id ?? '',
    raw: (i) => kind.shown(i.entry),
  };
}

export function lsCommand(cmd: Command, kind: Kind, connect: Connect): Command {
  const listing = entryListing(kind);
  return listingCommand(cmd.command('ls').description(`list ${kind.noun}s`), listing, async () => {
    const entries = await kind.calls(connect()).list();
    const now = Date.now();
    return entries
      .sort((a, b) => (a.stored?.spec?.name ?? '').localeCompare(b.stored?.spec?.name ?? ''))
      .map((entry) => ({ entry, now }));
  });
}
