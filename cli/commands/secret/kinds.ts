/**
 * `secret` and `config`: the two kinds work alike (create, ls, inspect, rm); a kind says its
 * noun, its help texts, its calls of the Control API and how its entries are shown.
 */
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { call } from '../../../proto/rpc.js';
import type { Config, Secret } from '../../../proto/types.js';
import { shownConfig, shownSecret, type Entry } from './values.js';

interface Calls {
  create(spec: { name: string; labels: Record<string, string>; data: Buffer }): Promise<Entry>;
  get(ref: string): Promise<Entry>;
  list(): Promise<Entry[]>;
  remove(ref: string): Promise<unknown>;
}

export interface Kind {
  noun: 'secret' | 'config';
  about: string;
  inspect: string;
  examples: string;
  calls(client: ControlClient): Calls;
  /** An entry as `inspect` and `ls --format raw` show it. */
  shown(entry: Entry): object;
}

const secretEntry = (i: { secret: Secret | null; services: string[] }): Entry => ({
  stored: i.secret,
  services: i.services,
});
const configEntry = (i: { config: Config | null; services: string[] }): Entry => ({
  stored: i.config,
  services: i.services,
});

export const KINDS: Kind[] = [
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
