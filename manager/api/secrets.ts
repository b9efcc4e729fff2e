/**
 * Secrets and configs: created, listed, inspected and removed here, their values sealed
 * with the cluster's data key before they reach the store (manager/keys/keyring.ts). A
 * service names them in its task spec (`--secret`, `--config`); the API stores each as a
 * complete reference (id, name, target, owner, mode), and the dispatcher sends the values
 * only to the nodes whose tasks use them.
 */
import { timingSafeEqual } from 'node:crypto';
import { FlotillaError, invalidArgument, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { formatBytes } from '../../lib/sizes.js';
import type { ConfigInfo } from '../../proto/gen/flotilla/ConfigInfo.js';
import type { SecretInfo } from '../../proto/gen/flotilla/SecretInfo.js';
import type { SecretValue } from '../../proto/gen/flotilla/SecretValue.js';
import type {
  Config,
  ContainerSpec,
  FileReference,
  Secret,
  SecretSpec,
  ServiceSpec,
  Task,
} from '../../proto/types.js';
import { HOST_IMAGE, isTerminal } from '../../proto/types.js';
import type { Keyring } from '../keys/keyring.js';
import type { ReadTx, Store, WriteTx } from '../store/types.js';
import { validateLabels, validateName } from './validate.js';

export type FileTable = 'secrets' | 'configs';
type Stored = Secret | Config;

/** The largest value a secret or config may hold. */
export const MAX_VALUE_BYTES = 500 * 1024;
const SECRETS_DIR = '/run/secrets';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ID = /^[0-9]*$/;

const noun = (table: FileTable) => (table === 'secrets' ? 'secret' : 'config');
const field = (table: FileTable) => (table === 'secrets' ? 'secret (--secret)' : 'config (--config)');

function validateSpec(table: FileTable, spec: SecretSpec | null | undefined): asserts spec is SecretSpec {
  if (!spec) throw invalidArgument('spec', `a ${noun(table)} spec`);
  validateName(spec.name, 'name');
  validateLabels(spec.labels, 'label (--label)');
  const size = spec.data.length;
  if (size === 0) throw invalidArgument('value', `a ${noun(table)} value of at least one byte`);
  if (size > MAX_VALUE_BYTES) {
    throw invalidArgument('value', `at most ${formatBytes(MAX_VALUE_BYTES)}`, formatBytes(size));
  }
}

export interface CreateOptions {
  /** An existing one of that name with this same value is the answer (with another, a refusal). */
  existOk?: boolean;
  /** Check only: nothing is written (the answer has no id when it would be new). */
  validateOnly?: boolean;
}

/** Creates a secret or config; its value is sealed before it is written. */
export async function createFile(
  store: Store,
  keys: Keyring,
  table: FileTable,
  spec: SecretSpec | null | undefined,
  opts: CreateOptions = {},
): Promise<Stored> {
  validateSpec(table, spec);
  const id = opts.validateOnly ? '' : newId();
  const draft = { id, meta: null, spec: { name: spec.name, labels: spec.labels, data: Buffer.alloc(0) } };
  const existing = await store.update((tx) => {
    const stored = tx.byName(table, spec.name);
    if (stored) return sameValue(tx, keys, table, stored, spec, opts.existOk);
    if (!opts.validateOnly) {
      tx.create(table, {
        ...draft,
        sealed: keys.sealValue(tx, table, id, spec.data),
        size: spec.data.length,
      });
    }
    return undefined;
  });
  if (existing) return existing;
  if (opts.validateOnly) return { ...draft, sealed: Buffer.alloc(0), size: spec.data.length };
  return store.view((tx) => tx.get(table, id)!);
}

/** The stored one, when the caller accepts it and its value is the one given; else a refusal. */
function sameValue(
  tx: ReadTx,
  keys: Keyring,
  table: FileTable,
  stored: Stored,
  spec: SecretSpec,
  existOk = false,
): Stored {
  const name = JSON.stringify(spec.name);
  if (!existOk) throw new FlotillaError('ALREADY_EXISTS', `a ${noun(table)} named ${name} already exists`);
  const value = keys.openValue(tx, table, stored.id, stored.sealed);
  if (value.length !== spec.data.length || !timingSafeEqual(value, spec.data)) {
    throw new FlotillaError(
      'ALREADY_EXISTS',
      `a ${noun(table)} named ${name} exists with another value, and values never change: give the new one a new name`,
    );
  }
  return stored;
}

export function resolveFile(tx: ReadTx, table: FileTable, ref: string): Stored {
  const byName = tx.byName(table, ref);
  if (byName) return byName;
  const matches = tx.all(table).filter((o) => o.id === ref || (ref && o.id.startsWith(ref)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw invalidArgument(
      noun(table),
      'a name or an unambiguous id prefix',
      `${ref} (matches ${matches.length})`,
    );
  throw notFound(noun(table), ref);
}

/** The references of a container spec to secrets (its registry credentials too) or to configs. */
function referencesOf(table: FileTable, container: ContainerSpec | null | undefined): { id: string }[] {
  if (table === 'configs') return container?.configs ?? [];
  const registry = container?.registryAuthSecret ? [{ id: container.registryAuthSecret }] : [];
  return [...(container?.secrets ?? []), ...registry];
}

/** The services whose spec uses it, and whether tasks that still run use it (of a spec since changed). */
function usersOf(tx: ReadTx, table: FileTable, id: string): { services: string[]; tasks: Task[] } {
  const uses = (refs: { id: string }[]) => refs.some((r) => r.id === id);
  const services = tx
    .all('services')
    .filter((s) => uses(referencesOf(table, s.spec?.task?.container)))
    .map((s) => s.spec?.name ?? s.id)
    .sort();
  const tasks = tx
    .all('tasks')
    .filter((t) => !isTerminal(t.status?.state ?? 'NEW') && uses(referencesOf(table, t.spec?.container)));
  return { services, tasks };
}

export function secretInfo(tx: ReadTx, secret: Secret): SecretInfo {
  return { secret, services: usersOf(tx, 'secrets', secret.id).services };
}

/** A config as inspect shows it: with its value. */
export function configInfo(tx: ReadTx, config: Config, keys?: Keyring): ConfigInfo {
  const data = keys ? keys.openValue(tx, 'configs', config.id, config.sealed) : Buffer.alloc(0);
  return {
    config: { ...config, spec: { ...config.spec!, data } },
    services: usersOf(tx, 'configs', config.id).services,
  };
}

/** Removes a secret or config that no service and no running task uses. */
export async function removeFile(store: Store, table: FileTable, ref: string): Promise<void> {
  await store.update((tx) => {
    const stored = resolveFile(tx, table, ref);
    const name = stored.spec?.name ?? stored.id;
    const { services, tasks } = usersOf(tx, table, stored.id);
    if (services.length > 0) {
      const flag = table === 'secrets' ? '--secret-rm' : '--config-rm';
      const service = services.length === 1 ? services[0] : 'SERVICE';
      throw new FlotillaError(
        'CONFLICT',
        `${noun(table)} ${name} is in use by service${services.length === 1 ? '' : 's'} ${services.join(', ')}: take it out first (\`cluster service update ${flag} ${name} ${service}\`)`,
      );
    }
    if (tasks.length > 0) {
      throw new FlotillaError(
        'CONFLICT',
        `${noun(table)} ${name} is still used by ${tasks.length} task${tasks.length === 1 ? '' : 's'} on ${tasks.length === 1 ? 'its' : 'their'} way out; retry in a moment`,
      );
    }
    tx.delete(table, stored.id);
  });
}

/**
 * The spec with every secret and config reference complete: the object's id and current
 * name, an absolute target (a secret's under /run/secrets by default, a config's at /NAME),
 * owner and mode; each target and environment variable used once.
 */
export function attachFiles(tx: WriteTx, spec: ServiceSpec): ServiceSpec {
  const container = spec.task?.container;
  if (!container || container.secrets.length + container.configs.length === 0) return spec;
  const targets = new Set<string>();
  const envs = new Set<string>();
  // A plain process has its files under one directory, /run/secrets/X and /X both as X.
  const host = container.image === HOST_IMAGE;
  const place = (target: string) => (host ? target.replace(/^\/run\/secrets\//, '/') : target);
  const complete = (table: FileTable) => (ref: FileReference) => {
    const f = field(table);
    const stored = resolveReference(tx, table, ref);
    const name = stored.spec?.name ?? '';
    const target = targetOf(table, ref.target || name, f);
    if (targets.has(place(target))) {
      const expected = host
        ? 'each file at a path of its own (a plain process finds /run/secrets/X and /X both at $FLOTILLA_SECRETS_DIR/X)'
        : 'each target used once in a service';
      throw invalidArgument(f, expected, target);
    }
    targets.add(place(target));
    for (const [key, value] of [
      ['uid', ref.uid],
      ['gid', ref.gid],
    ] as const) {
      if (!ID.test(value)) throw invalidArgument(f, `a numeric ${key}`, value);
    }
    if (ref.mode > 0o777) throw invalidArgument(f, 'a mode from 0000 to 0777', `0${ref.mode.toString(8)}`);
    if (ref.env) {
      if (!ENV_NAME.test(ref.env)) throw invalidArgument(f, 'env=NAME of letters, digits and "_"', ref.env);
      if (envs.has(ref.env)) throw invalidArgument(f, 'each environment variable set once', ref.env);
      envs.add(ref.env);
    }
    return { ...ref, id: stored.id, name, target, mode: ref.mode || 0o444 };
  };
  const secrets = container.secrets.map(complete('secrets'));
  const configs = container.configs.map(complete('configs'));
  return { ...spec, task: { ...spec.task!, container: { ...container, secrets, configs } } };
}

/** The object a reference names: by its id when it still exists (a spec sent back), else by name. */
function resolveReference(tx: ReadTx, table: FileTable, ref: FileReference): Stored {
  const byId = ref.id ? tx.get(table, ref.id) : undefined;
  if (byId) return byId;
  const stored = ref.name ? tx.byName(table, ref.name) : undefined;
  if (stored) return stored;
  throw new FlotillaError(
    'NOT_FOUND',
    `${noun(table)} ${JSON.stringify(ref.name || ref.id)} not found: create it first (\`cluster ${noun(table)} create ${ref.name || 'NAME'} FILE\`)`,
  );
}

function targetOf(table: FileTable, target: string, f: string): string {
  const absolute = target.startsWith('/') ? target : `${table === 'secrets' ? SECRETS_DIR : ''}/${target}`;
  const parts = absolute.split('/').slice(1);
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw invalidArgument(f, 'a target path without empty, "." or ".." parts', target);
  }
  return absolute;
}

/**
 * The values the tasks use, opened for the node they go to; a value that cannot be opened
 * now (this manager lacks the key) is left out, and the task fails on the node saying so.
 */
export function valuesFor(tx: ReadTx, keys: Keyring, tasks: readonly Task[]): SecretValue[] {
  const values = new Map<string, SecretValue>();
  for (const task of tasks) {
    if (task.desiredState !== 'RUNNING') continue;
    for (const table of ['secrets', 'configs'] as const) {
      for (const ref of referencesOf(table, task.spec?.container)) {
        if (values.has(ref.id)) continue;
        const stored = tx.get(table, ref.id);
        if (!stored) continue;
        try {
          values.set(ref.id, { id: ref.id, data: keys.openValue(tx, table, ref.id, stored.sealed) });
        } catch {
          // Left out: the node reports the task failed for want of it.
        }
      }
    }
  }
  return [...values.values()];
}
