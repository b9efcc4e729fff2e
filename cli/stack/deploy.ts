/**
 * A stack's plan made so in the cluster, and a stack taken away. Deploy checks everything it
 * can before it writes: external objects exist, names are not another's, secrets and configs
 * are unchanged (they are immutable: a changed file needs a new name). Then it creates the
 * missing networks, secrets and configs, creates the new services, updates those whose spec
 * differs from the stored one (a rolling update, on the version read), leaves the others
 * alone, and with prune removes the stack's services the files no longer have.
 */
import { FlotillaError, isFlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import { allServices } from '../pages.js';
import type { Service, ServiceSpec } from '../../proto/types.js';
import { NAMESPACE_LABEL, type StackFile, type StackPlan } from './compose-to-spec.js';

type Log = (line: string) => void;

interface Labelled {
  spec?: { name: string; labels: Record<string, string> } | null;
}

const inStack = (o: Labelled | null | undefined, stack: string) => o?.spec?.labels[NAMESPACE_LABEL] === stack;

/**
 * A spec as plain sorted JSON without what is unset (proto3 reads unset as empty, zero or
 * false alike, an unset optional field as null) and without the ids the manager gives file
 * references, so that the spec a deploy would send and the one stored compare equal when
 * they ask for the same.
 */
export function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (Buffer.isBuffer(value)) return value.length ? value.toString('base64') : undefined;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) {
      const n = normalised(v);
      const empty =
        n === undefined ||
        n === null ||
        n === '' ||
        n === 0 ||
        n === false ||
        (Array.isArray(n) && n.length === 0) ||
        (typeof n === 'object' && n !== null && Object.keys(n).length === 0);
      if (!empty) out[k] = n;
    }
    // A file reference is the same whatever id the manager gave it.
    if ('target' in out && 'name' in out) delete out.id;
    return out;
  }
  return value;
}

export const sameSpec = (a: ServiceSpec, b: ServiceSpec | null | undefined): boolean =>
  JSON.stringify(normalised(a)) === JSON.stringify(normalised(b ?? {}));

type FileSpec = { name: string; labels: Record<string, string>; data: Buffer };
type CreateOptions = { existOk: boolean; validateOnly: boolean };

interface FileKind {
  noun: 'secret' | 'config';
  list(): Promise<Labelled[]>;
  /** With existOk, the manager answers one of that name with the same value, and refuses a changed one. */
  create(spec: FileSpec, o: CreateOptions): Promise<unknown>;
}

function fileKinds(client: ControlClient): FileKind[] {
  return [
    {
      noun: 'secret',
      list: async () => (await call(client, client.ListSecrets, {})).secrets.map((s) => s.secret ?? {}),
      create: (spec, o) => call(client, client.CreateSecret, { spec, ...o }),
    },
    {
      noun: 'config',
      list: async () => (await call(client, client.ListConfigs, {})).configs.map((c) => c.config ?? {}),
      create: (spec, o) => call(client, client.CreateConfig, { spec, ...o }),
    },
  ];
}

const fileSpec = (f: StackFile): FileSpec => ({ name: f.name, labels: f.labels, data: f.data! });

/**
 * The stack's secrets or configs, checked: external ones exist, names are not another's, and
 * values are unchanged (the manager compares them: only it can open the stored ones).
 * Returns those to be created.
 */
async function checkFiles(stack: string, kind: FileKind, wanted: StackFile[]): Promise<StackFile[]> {
  const byName = new Map((await kind.list()).map((o) => [o.spec?.name, o]));
  const { noun } = kind;
  const fresh: StackFile[] = [];
  for (const f of wanted) {
    const stored = byName.get(f.name);
    if (f.external) {
      if (!stored)
        throw new FlotillaError(
          'NOT_FOUND',
          `${noun} ${f.name} is external but does not exist: create it first (\`cluster ${noun} create ${f.name} FILE\`)`,
        );
      continue;
    }
    if (!stored) {
      fresh.push(f);
      continue;
    }
    if (!inStack(stored, stack))
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `a ${noun} named ${f.name} exists and is not of stack ${stack}`,
      );
    await kind.create(fileSpec(f), { existOk: true, validateOnly: true }).catch((err: unknown) => {
      if (!isFlotillaError(err, 'ALREADY_EXISTS')) throw err;
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `${noun} ${f.name} has changed, and ${noun}s cannot be changed: give it a new name in the compose file (a new key, or name:) and deploy again`,
      );
    });
  }
  return fresh;
}

/**
 * Makes the cluster hold the plan, saying what it does through `log`. Returns the services it
 * created or updated, as the manager answered them: those a waiting deploy follows.
 */
export async function deployStack(
  client: ControlClient,
  plan: StackPlan,
  o: { prune?: boolean },
  log: Log,
): Promise<Service[]> {
  const { stack } = plan;
  const [{ networks }, services] = await Promise.all([
    call(client, client.ListNetworks, {}),
    allServices(client),
  ]);

  // Checks first: nothing is written when one fails.
  const networkIds = new Map(networks.map((n) => [n.network?.spec?.name ?? '', n.network?.id ?? '']));
  const newNetworks = plan.networks.filter((n) => {
    const stored = networks.find((i) => i.network?.spec?.name === n.name)?.network;
    if (n.external && !stored)
      throw new FlotillaError(
        'NOT_FOUND',
        `network ${n.name} is external but does not exist: create it first (\`cluster network create ${n.name}\`)`,
      );
    if (stored && !n.external && !inStack(stored, stack))
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `a network named ${n.name} exists and is not of stack ${stack}`,
      );
    return !stored;
  });
  const kinds = fileKinds(client);
  const newFiles = await Promise.all(
    kinds.map((k) => checkFiles(stack, k, k.noun === 'secret' ? plan.secrets : plan.configs)),
  );
  const stored = new Map<string, Service>();
  for (const s of services) if (s.service?.spec) stored.set(s.service.spec.name, s.service);
  for (const name of plan.services.keys()) {
    const s = stored.get(name);
    if (s && !inStack(s, stack))
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `a service named ${name} exists and is not of stack ${stack}: remove or rename it first`,
      );
  }

  for (const n of newNetworks) {
    log(`Creating network ${n.name}`);
    const spec = { name: n.name, driver: 'overlay', subnet: n.subnet, labels: n.labels };
    const info = await call(client, client.CreateNetwork, { spec });
    networkIds.set(n.name, info.network?.id ?? '');
  }
  for (const [i, k] of kinds.entries()) {
    for (const f of newFiles[i]!) {
      log(`Creating ${k.noun} ${f.name}`);
      // One made meanwhile with the same value will do.
      await k.create(fileSpec(f), { existOk: true, validateOnly: false });
    }
  }

  const written: Service[] = [];
  for (const [name, wanted] of plan.services) {
    // Stored specs name networks by id: so does the one compared and sent.
    const task = wanted.task!;
    const spec = { ...wanted, task: { ...task, networks: task.networks.map((n) => networkIds.get(n) ?? n) } };
    const current = stored.get(name);
    if (!current) {
      log(`Creating service ${name}`);
      const res = await call(client, client.CreateService, { spec });
      if (res.service) written.push(res.service);
    } else if (sameSpec(spec, current.spec)) {
      log(`Service ${name} unchanged`);
    } else {
      log(`Updating service ${name}`);
      const res = await call(client, client.UpdateService, {
        serviceId: current.id,
        version: current.meta?.version ?? 0,
        spec,
      });
      if (res.service) written.push(res.service);
    }
  }

  if (o.prune) {
    for (const [name, s] of stored) {
      if (!inStack(s, stack) || plan.services.has(name)) continue;
      log(`Removing service ${name}`);
      await call(client, client.RemoveService, { service: s.id });
    }
  }
  return written;
}

/** The stack's services, by label. */
export async function stackServices(client: ControlClient, stack: string) {
  return allServices(client, undefined, { keep: (s) => inStack(s.service, stack) });
}

/** Retries a removal the cluster refuses for now (tasks still going), for up to `ms`. */
async function removeWhenFree(remove: () => Promise<unknown>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await remove();
      return;
    } catch (err) {
      if (!isFlotillaError(err, 'CONFLICT') || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Removes the stack: its services, then its networks, secrets and configs once nothing uses them. */
export async function removeStack(
  client: ControlClient,
  stack: string,
  log: Log,
  waitMs = 120_000,
): Promise<boolean> {
  const services = await stackServices(client, stack);
  for (const s of services) {
    log(`Removing service ${s.service?.spec?.name}`);
    await call(client, client.RemoveService, { service: s.service!.id });
  }
  const [{ networks }, secrets, configs] = await Promise.all([
    call(client, client.ListNetworks, {}),
    call(client, client.ListSecrets, {}),
    call(client, client.ListConfigs, {}),
  ]);
  const removals: { what: string; remove: () => Promise<unknown> }[] = [
    ...secrets.secrets
      .filter((s) => inStack(s.secret, stack))
      .map((s) => ({
        what: `secret ${s.secret!.spec!.name}`,
        remove: () => call(client, client.RemoveSecret, { secret: s.secret!.id }),
      })),
    ...configs.configs
      .filter((c) => inStack(c.config, stack))
      .map((c) => ({
        what: `config ${c.config!.spec!.name}`,
        remove: () => call(client, client.RemoveConfig, { config: c.config!.id }),
      })),
    ...networks
      .filter((n) => inStack(n.network, stack))
      .map((n) => ({
        what: `network ${n.network!.spec!.name}`,
        remove: () => call(client, client.RemoveNetwork, { network: n.network!.id }),
      })),
  ];
  for (const { what, remove } of removals) {
    log(`Removing ${what}`);
    await removeWhenFree(remove, waitMs);
  }
  return services.length + removals.length > 0;
}
