/**
 * `cluster secret ...` and `cluster config ...`: create, ls, inspect, rm of the values that
 * tasks get as files (`service create --secret`, `--config`). The two work alike; but a
 * secret's value goes in once and never comes back out, while `config inspect` shows a
 * config's value.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { humanDuration } from '../../lib/durations.js';
import { FlotillaError, isFlotillaError } from '../../lib/errors.js';
import { formatBytes } from '../../lib/sizes.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import type { Config, Secret } from '../../proto/types.js';
import { collect, labels, printInspected } from '../format.js';
import {
  addListOptions,
  idFilter,
  labelFilter,
  listingPrinter,
  nameFilter,
  printListing,
  type Listing,
  type ListOptions,
} from '../listing.js';

type Connect = () => ControlClient;

/** The most a secret or a config may hold (the manager holds to it too). */
export const MAX_VALUE_BYTES = 500 * 1024;

/** A secret or a config, and the names of the services that use it. */
export interface Entry {
  stored: Secret | Config | null;
  services: string[];
}

interface Calls {
  create(spec: { name: string; labels: Record<string, string>; data: Buffer }): Promise<Entry>;
  get(ref: string): Promise<Entry>;
  list(): Promise<Entry[]>;
  remove(ref: string): Promise<unknown>;
}

interface Kind {
  noun: 'secret' | 'config';
  about: string;
  inspect: string;
  examples: string;
  calls(client: ControlClient): Calls;
  /** An entry as `inspect` and `ls --format raw` show it. */
  shown(entry: Entry): object;
}

/**
 * The stored object as JSON shows it, without its byte fields (JSON would spell them out
 * byte by byte): the sealed value never leaves the store, and a secret's answer carries no
 * value; a config's value, read, takes the place of its data. Keys set to undefined are
 * left out of the JSON, and the others keep their order.
 */
function shownObject(stored: Secret | Config | null, value?: ReturnType<typeof readable> | null) {
  return (
    stored && {
      ...stored,
      spec: stored.spec && { ...stored.spec, data: undefined, ...value },
      sealed: undefined,
    }
  );
}

/** A config's value as text when it is UTF-8, else as base64, saying which. */
function readable(value: Buffer): { data: string; encoding: 'utf-8' | 'base64' } {
  return isUtf8(value)
    ? { data: value.toString('utf8'), encoding: 'utf-8' }
    : { data: value.toString('base64'), encoding: 'base64' };
}

const secretEntry = (i: { secret: Secret | null; services: string[] }): Entry => ({
  stored: i.secret,
  services: i.services,
});
const configEntry = (i: { config: Config | null; services: string[] }): Entry => ({
  stored: i.config,
  services: i.services,
});

export const shownSecret = ({ stored, services }: Entry) => ({ secret: shownObject(stored), services });

export const shownConfig = ({ stored, services }: Entry) => ({
  config: shownObject(stored, stored?.spec && readable(stored.spec.data)),
  services,
});

const KINDS: Kind[] = [
  {
    noun: 'secret',
    about: 'manage secrets: values services get as files (--secret), never shown again',
    inspect: 'show secrets in full but their value, as JSON',
    examples: `
  printf 's3cret' | cluster secret create db_password -
  cluster secret create tls_key ./key.pem --label env=prod
  cluster service create --name db --secret db_password \\
    --secret source=tls_key,target=/etc/ssl/key.pem,mode=0400 postgres
  cluster service update db --secret-rm db_password --secret-add source=db_password_2,target=db_password`,
    calls: (c) => ({
      create: async (spec) => secretEntry(await call(c, c.CreateSecret, { spec })),
      get: async (ref) => secretEntry(await call(c, c.GetSecret, { secret: ref })),
      list: async () => (await call(c, c.ListSecrets, {})).secrets.map(secretEntry),
      remove: (ref) => call(c, c.RemoveSecret, { secret: ref }),
    }),
    shown: shownSecret,
  },
  {
    noun: 'config',
    about: 'manage configs: values services get as files (--config), which `config inspect` shows',
    inspect:
      'show configs in full, as JSON: the value as text when it is UTF-8, else as base64 (spec.encoding says which)',
    examples: `
  cluster config create nginx_conf ./nginx.conf
  cluster service create --name web --config source=nginx_conf,target=/etc/nginx/nginx.conf nginx`,
    calls: (c) => ({
      create: async (spec) => configEntry(await call(c, c.CreateConfig, { spec })),
      get: async (ref) => configEntry(await call(c, c.GetConfig, { config: ref })),
      list: async () => (await call(c, c.ListConfigs, {})).configs.map(configEntry),
      remove: (ref) => call(c, c.RemoveConfig, { config: ref }),
    }),
    shown: shownConfig,
  },
];

/**
 * The value to store: the file's content, or standard input's for "-". Bigger than
 * MAX_VALUE_BYTES is refused as soon as the reading gets there.
 */
export async function readValue(
  noun: string,
  path: string,
  stdin: Readable = process.stdin,
): Promise<Buffer> {
  const source = path === '-' ? 'standard input' : path;
  const input = path === '-' ? stdin : createReadStream(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > MAX_VALUE_BYTES) {
        throw new FlotillaError(
          'RESOURCE_EXHAUSTED',
          `${source} is larger than ${formatBytes(MAX_VALUE_BYTES)}, the most a ${noun} may hold`,
        );
      }
      chunks.push(bytes);
    }
  } catch (err) {
    if (isFlotillaError(err)) throw err;
    throw new FlotillaError('INVALID_ARGUMENT', `cannot read ${source}: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

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

/** The `secret` and the `config` commands. */
export function secretCommands(program: Command, connect: Connect): void {
  for (const kind of KINDS) {
    const { noun } = kind;
    const cmd = program
      .command(noun)
      .description(kind.about)
      .addHelpText('after', `\nExamples:${kind.examples}`);

    cmd
      .command('create')
      .description(
        `create a ${noun} from a file, or from standard input with "-" (at most ${formatBytes(MAX_VALUE_BYTES)})`,
      )
      .argument('<name>')
      .argument('<file>', 'a file, or - for standard input')
      .option('--label <KEY=VALUE>', `${noun} label (repeatable)`, collect, [])
      .action(async (name: string, file: string, o: { label: string[] }) => {
        const spec = { name, labels: labels('--label', o.label), data: await readValue(noun, file) };
        const client = connect();
        const { stored } = await kind.calls(client).create(spec);
        console.log(stored?.id);
      });

    const listing = entryListing(kind);
    addListOptions(cmd.command('ls').description(`list ${noun}s`), listing).action(async (o: ListOptions) => {
      const print = listingPrinter(listing, o);
      const entries = await kind.calls(connect()).list();
      const now = Date.now();
      const sorted = entries
        .sort((a, b) => (a.stored?.spec?.name ?? '').localeCompare(b.stored?.spec?.name ?? ''))
        .map((entry) => ({ entry, now }));
      printListing(print(sorted));
    });

    cmd
      .command('inspect')
      .description(kind.inspect)
      .argument(`<${noun}...>`)
      .action(async (refs: string[]) => {
        const calls = kind.calls(connect());
        await printInspected(refs, async (ref) => kind.shown(await calls.get(ref)));
      });

    cmd
      .command('rm')
      .description(`remove ${noun}s no service uses`)
      .argument(`<${noun}...>`)
      .action(async (refs: string[]) => {
        const calls = kind.calls(connect());
        for (const ref of refs) {
          await calls.remove(ref);
          console.log(ref);
        }
      });
  }
}
