/**
 * A loaded compose model as what a stack is made of: a ServiceSpec per service (built by
 * `specFromFlags` from the values the `service create` flags would have), and the networks,
 * secrets and configs the stack owns or uses. Names are the stack's: `<stack>_<key>`, each
 * object labelled `com.docker.stack.namespace=<stack>` as Docker does. Named volumes are no
 * objects of the cluster: a top-level volume becomes the source, driver and options of the
 * volume mounts that use it (the node makes it on first use), named as the rest. Keys this
 * does not know are warnings naming the key and its place; bad values are errors naming both.
 */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { FlotillaError, invalidArgument, isFlotillaError } from '../../lib/errors.js';
import { LOCAL_VOLUME_OPTIONS, localVolumeMount } from '../../proto/local-volume.js';
import { HOST_IMAGE, mountWith, VOLUME_NAME, type Mount, type ServiceSpec } from '../../proto/types.js';
import { parseCount, parseDuration } from '../format.js';
import { parseFileReference } from '../commands/service/flags/file.js';
import { parseBytes, parseCpus } from '../commands/service/flags/placement.js';
import { parsePublish } from '../commands/service/flags/publish.js';
import { envFromFlags } from '../commands/service/flags/container.js';
import { CREATE_DEFAULTS, specFromFlags } from '../commands/service/spec.js';
import { readValue } from '../commands/secret/values.js';
import { isMapping, where, type Mapping, type Value } from './compose-file.js';

/** Docker's label for what belongs to a stack: scripts and users look for it. */
export const NAMESPACE_LABEL = 'com.docker.stack.namespace';

export interface StackNetwork {
  /** The network's name in the cluster. */
  name: string;
  external: boolean;
  subnet: string;
  labels: Record<string, string>;
}

export interface StackFile {
  name: string;
  external: boolean;
  /** The file's content; none for external ones. */
  data?: Buffer;
  labels: Record<string, string>;
}

/** A top-level volume as the mounts that use it name it. */
export interface StackVolume {
  /** The volume's name on the nodes. */
  name: string;
  /** "local" or "" (the same: the one driver there is). */
  driver: string;
  options: Record<string, string>;
}

export interface StackPlan {
  stack: string;
  /** By service name in the cluster (`<stack>_<service>`); networks named as in the cluster. */
  services: Map<string, ServiceSpec>;
  networks: StackNetwork[];
  secrets: StackFile[];
  configs: StackFile[];
  warnings: string[];
}

type Options = Parameters<typeof specFromFlags>[2];
type Container = Mapping | Value[];

/** Reads one level of the model, naming each value by its path and place. */
class Reader {
  readonly warnings: string[] = [];

  /** "services.web.image (compose.yml:4)". */
  name(c: Container, key: string | number, path: string): string {
    const place = where(c, key);
    return place ? `${path} (${place})` : path;
  }

  fail(c: Container, key: string | number, path: string, expected: string): never {
    const got = Array.isArray(c) ? c[key as number] : c[key];
    throw invalidArgument(this.name(c, key, path), expected, got);
  }

  /** Warns of the keys of `m` not in `known` (`x-` extensions are the user's own). */
  keys(m: Mapping, path: string, known: readonly string[]): void {
    for (const k of Object.keys(m)) {
      if (known.includes(k) || k.startsWith('x-')) continue;
      const place = where(m, k);
      this.warnings.push(
        `unsupported key ${path ? `${path}.` : ''}${k}${place ? ` in ${place}` : ''}: ignored`,
      );
    }
  }

  map(m: Mapping, key: string, path: string): Mapping | undefined {
    const v = m[key];
    if (v === undefined || v === null) return undefined;
    if (!isMapping(v)) this.fail(m, key, path, 'a mapping');
    return v;
  }

  list(m: Mapping, key: string, path: string): Value[] {
    const v = m[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(m, key, path, 'a list');
    return v;
  }

  /** A scalar as text (numbers and booleans as YAML wrote them). */
  text(c: Container, key: string | number, path: string): string | undefined {
    const v = Array.isArray(c) ? c[key as number] : c[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') this.fail(c, key, path, 'a single value');
    return String(v);
  }

  strings(m: Mapping, key: string, path: string): string[] {
    const list = this.list(m, key, path);
    return list.map((_, i) => this.text(list, i, `${path}[${i}]`) ?? '');
  }

  flag(m: Mapping, key: string, path: string): boolean | undefined {
    const v = m[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(m, key, path, 'true or false');
    return v;
  }

  /** A value checked by one of the flag parsers, which names it by path and place when bad. */
  checked(
    m: Mapping,
    key: string,
    path: string,
    parse: (label: string, value: string) => unknown,
  ): string | undefined {
    const v = this.text(m, key, path);
    if (v !== undefined) parse(this.name(m, key, path), v);
    return v;
  }

  choice(m: Mapping, key: string, path: string, allowed: readonly string[]): string | undefined {
    const v = this.text(m, key, path);
    if (v !== undefined && !allowed.includes(v)) this.fail(m, key, path, allowed.join(', '));
    return v;
  }
}

const TOP = ['version', 'name', 'services', 'networks', 'secrets', 'configs', 'volumes'] as const;
const SERVICE = [
  'image',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'volumes',
  'tmpfs',
  'healthcheck',
  'labels',
  'networks',
  'network_mode',
  'secrets',
  'configs',
  'deploy',
  'working_dir',
  'user',
  'hostname',
  'stop_signal',
  'stop_grace_period',
  'cap_add',
  'cap_drop',
  'read_only',
] as const;
const DEPLOY = [
  'mode',
  'replicas',
  'placement',
  'resources',
  'restart_policy',
  'update_config',
  'rollback_config',
  'labels',
  'endpoint_mode',
] as const;
const POLICY = ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'] as const;

/** Words of a command written as one string, as a shell splits them (quotes, backslashes). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word = (word ?? '') + text[++i];
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i];
    else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw invalidArgument('command', 'balanced quotes', text);
  if (word !== undefined) words.push(word);
  return words;
}

/** A word as a shell reads it back: quoted unless it is plainly safe. */
function quoted(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The cluster's name for a network, secret or config of the stack: its `name:`, else `<stack>_<key>`. */
function stackName(stack: string, key: string, m: Mapping): string {
  const name = m.name;
  return typeof name === 'string' && name ? name : `${stack}_${key}`;
}

/** Reads the compose model into the stack's plan; secrets' and configs' files are read too. */
export async function stackPlan(
  stack: string,
  model: Mapping,
  baseDir: string,
  env = process.env,
): Promise<StackPlan> {
  const r: Reader = new Reader();
  r.keys(model, '', TOP);
  const ns = { [NAMESPACE_LABEL]: stack };
  const path = (p: string) => (p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : resolve(baseDir, p));

  const volumes = stackVolumes(r, stack, model);

  const declared = new Map<string, StackNetwork>();
  const networks = r.map(model, 'networks', 'networks') ?? {};
  for (const key of Object.keys(networks)) {
    const p = `networks.${key}`;
    const n = r.map(networks, key, p) ?? {};
    r.keys(n, p, ['driver', 'external', 'name', 'labels', 'ipam', 'attachable']);
    const external = r.flag(n, 'external', `${p}.external`) ?? false;
    r.choice(n, 'driver', `${p}.driver`, ['overlay']);
    const ipam = r.map(n, 'ipam', `${p}.ipam`) ?? {};
    r.keys(ipam, `${p}.ipam`, ['config']);
    const subnets = r.list(ipam, 'config', `${p}.ipam.config`).map((c, i) => {
      const cp = `${p}.ipam.config[${i}]`;
      if (!isMapping(c)) return r.fail(r.list(ipam, 'config', cp), i, cp, 'a mapping with subnet');
      r.keys(c, cp, ['subnet']);
      return r.text(c, 'subnet', `${cp}.subnet`) ?? '';
    });
    if (subnets.length > 1) r.fail(ipam, 'config', `${p}.ipam.config`, 'one subnet');
    declared.set(key, {
      name: external ? (r.text(n, 'name', `${p}.name`) ?? key) : stackName(stack, key, n),
      external,
      subnet: subnets[0] ?? '',
      labels: { ...labelMap(r, n, p), ...ns },
    });
  }

  const files = async (noun: 'secret' | 'config') => {
    const top = r.map(model, `${noun}s`, `${noun}s`) ?? {};
    const out = new Map<string, StackFile>();
    for (const key of Object.keys(top)) {
      const p = `${noun}s.${key}`;
      const f = r.map(top, key, p) ?? {};
      r.keys(f, p, ['file', 'external', 'name', 'labels']);
      const external = r.flag(f, 'external', `${p}.external`) ?? false;
      const file = r.text(f, 'file', `${p}.file`);
      if (external === (file !== undefined)) r.fail(top, key, p, 'either file: PATH or external: true');
      out.set(key, {
        name: external ? (r.text(f, 'name', `${p}.name`) ?? key) : stackName(stack, key, f),
        external,
        data:
          file === undefined ? undefined : await fileValue(r.name(f, 'file', `${p}.file`), noun, path(file)),
        labels: { ...labelMap(r, f, p), ...ns },
      });
    }
    return out;
  };
  const secrets = await files('secret');
  const configs = await files('config');

  const used = new Set<string>();
  const services = new Map<string, ServiceSpec>();
  const all = r.map(model, 'services', 'services') ?? {};
  for (const key of Object.keys(all)) {
    const p = `services.${key}`;
    const s = r.map(all, key, p);
    if (!s) r.fail(all, key, p, 'a mapping');
    r.keys(s, p, SERVICE);
    const name = `${stack}_${key}`;
    const ctx = { stack, ns, path, env, declared, used, secrets, configs, volumes };
    const spec = serviceSpec(r, s, p, name, ctx);
    services.set(name, spec);
  }
  if (used.has('default') && !declared.has('default')) {
    declared.set('default', { name: `${stack}_default`, external: false, subnet: '', labels: { ...ns } });
  }
  return {
    stack,
    services,
    networks: [...declared].filter(([key]) => used.has(key)).map(([, n]) => n),
    secrets: [...secrets.values()],
    configs: [...configs.values()],
    warnings: r.warnings,
  };
}

/** A secret's or config's file, an error naming where the compose file names it. */
async function fileValue(label: string, noun: string, file: string): Promise<Buffer> {
  try {
    return await readValue(noun, file);
  } catch (err) {
    if (!isFlotillaError(err)) throw err;
    throw new FlotillaError(err.code, `${label}: ${err.message}`);
  }
}

/** `labels:` as a map (a list of KEY=VALUE was made a map when loaded). */
function labelMap(r: Reader, m: Mapping, path: string): Record<string, string> {
  const labels = r.map(m, 'labels', `${path}.labels`) ?? {};
  return Object.fromEntries(
    Object.keys(labels).map((k) => [k, r.text(labels, k, `${path}.labels.${k}`) ?? '']),
  );
}

interface Context {
  stack: string;
  ns: Record<string, string>;
  path: (p: string) => string;
  env: Record<string, string | undefined>;
  declared: Map<string, StackNetwork>;
  used: Set<string>;
  secrets: Map<string, StackFile>;
  configs: Map<string, StackFile>;
  volumes: Map<string, StackVolume>;
}

/** The top-level volumes by key: driver local, its options, external ones and their names. */
function stackVolumes(r: Reader, stack: string, model: Mapping): Map<string, StackVolume> {
  const top = r.map(model, 'volumes', 'volumes') ?? {};
  const out = new Map<string, StackVolume>();
  for (const key of Object.keys(top)) {
    const p = `volumes.${key}`;
    const v = r.map(top, key, p) ?? {};
    r.keys(v, p, ['driver', 'driver_opts', 'external', 'name', 'labels']);
    const external = r.flag(v, 'external', `${p}.external`) ?? false;
    const driver = r.text(v, 'driver', `${p}.driver`) ?? '';
    if (driver !== '' && driver !== 'local')
      r.fail(
        v,
        'driver',
        `${p}.driver`,
        'local (the one volume driver; its driver_opts make tmpfs or bind volumes)',
      );
    const opts = r.map(v, 'driver_opts', `${p}.driver_opts`) ?? {};
    const options: Record<string, string> = {};
    for (const k of Object.keys(opts)) {
      const op = `${p}.driver_opts.${k}`;
      if (!(LOCAL_VOLUME_OPTIONS as readonly string[]).includes(k))
        r.fail(
          opts,
          k,
          op,
          `one of the local driver's options ${LOCAL_VOLUME_OPTIONS.join(', ')} (got the key ${k})`,
        );
      options[k] = r.text(opts, k, op) ?? '';
    }
    // Before anything is written: the manager refuses a service of it only when its turn comes.
    localVolumeMount(options, `${p}.driver_opts`);
    if (external && (driver !== '' || Object.keys(options).length > 0))
      r.fail(
        top,
        key,
        p,
        'no driver or driver_opts with external: true (an external volume is made outside the stack)',
      );
    if (Object.keys(labelMap(r, v, p)).length > 0)
      r.warnings.push(`${r.name(v, 'labels', `${p}.labels`)}: volumes keep no labels: ignored`);
    const name = external ? (r.text(v, 'name', `${p}.name`) ?? key) : stackName(stack, key, v);
    if (!VOLUME_NAME.test(name))
      throw invalidArgument(
        r.name(top, key, p),
        'a volume name of letters, digits, _ . - (first a letter or digit)',
        name,
      );
    out.set(key, { name, driver, options });
  }
  return out;
}

function serviceSpec(r: Reader, s: Mapping, p: string, name: string, ctx: Context): ServiceSpec {
  const image = r.text(s, 'image', `${p}.image`);
  if (!image) throw invalidArgument(`${p}.image`, 'an image (or "host" for a plain process)');
  const command = (key: 'command' | 'entrypoint') => {
    const v = s[key];
    if (typeof v === 'string') return shellWords(v);
    return r.strings(s, key, `${p}.${key}`);
  };
  const deploy = r.map(s, 'deploy', `${p}.deploy`) ?? {};
  r.keys(deploy, `${p}.deploy`, DEPLOY);
  const environment = r.map(s, 'environment', `${p}.environment`) ?? {};
  const env = Object.keys(environment).map((k) => {
    const v = r.text(environment, k, `${p}.environment.${k}`);
    return v === undefined ? k : `${k}=${v}`;
  });
  const envFile = (
    typeof s.env_file === 'string' ? [s.env_file] : r.strings(s, 'env_file', `${p}.env_file`)
  ).map(ctx.path);
  const o: Options = {
    ...CREATE_DEFAULTS,
    name,
    env: envFromFlags({ env, envFile }, ctx.env),
    user: r.text(s, 'user', `${p}.user`),
    hostname: r.text(s, 'hostname', `${p}.hostname`),
    workdir: r.text(s, 'working_dir', `${p}.working_dir`),
    label: Object.entries({ ...labelMap(r, deploy, `${p}.deploy`), ...ctx.ns }).map(([k, v]) => `${k}=${v}`),
    containerLabel: Object.entries({ ...labelMap(r, s, p), ...ctx.ns }).map(([k, v]) => `${k}=${v}`),
    stopSignal: r.text(s, 'stop_signal', `${p}.stop_signal`),
    stopGracePeriod:
      r.checked(s, 'stop_grace_period', `${p}.stop_grace_period`, parseDuration) ??
      CREATE_DEFAULTS.stopGracePeriod,
    capAdd: r.strings(s, 'cap_add', `${p}.cap_add`),
    capDrop: r.strings(s, 'cap_drop', `${p}.cap_drop`),
    readOnly: r.flag(s, 'read_only', `${p}.read_only`),
    publish: ports(r, s, p),
    network: networks(r, s, p, image, ctx),
    secret: fileRefs(r, s, p, 'secret', ctx.secrets),
    config: fileRefs(r, s, p, 'config', ctx.configs),
    ...modeOptions(r, deploy, `${p}.deploy`),
    ...placementOptions(r, deploy, `${p}.deploy`),
    ...restartOptions(r, deploy, `${p}.deploy`),
    ...policyOptions(r, deploy, `${p}.deploy`, 'update'),
    ...policyOptions(r, deploy, `${p}.deploy`, 'rollback'),
    ...healthOptions(r, s, p),
  };
  const mounts = [...volumeMounts(r, s, p, ctx), ...tmpfs(r, s, p)];
  const spec = specFromFlags(image, command('command'), o);
  const container = { ...spec.task!.container!, command: command('entrypoint'), mounts };
  return { ...spec, task: { ...spec.task!, container } };
}

function modeOptions(r: Reader, d: Mapping, p: string): Partial<Options> {
  const mode = r.choice(d, 'mode', `${p}.mode`, ['replicated', 'global', 'replicated-job', 'global-job']);
  const replicas = r.checked(d, 'replicas', `${p}.replicas`, parseCount);
  if (replicas !== undefined && (mode === 'global' || mode === 'global-job'))
    r.fail(d, 'replicas', `${p}.replicas`, `no replicas in ${mode} mode`);
  const endpoint = r.choice(d, 'endpoint_mode', `${p}.endpoint_mode`, ['vip', 'dnsrr']);
  if (endpoint === 'dnsrr')
    r.warnings.push(`${r.name(d, 'endpoint_mode', `${p}.endpoint_mode`)}: dnsrr is not supported: vip used`);
  return { mode, replicas };
}

function placementOptions(r: Reader, d: Mapping, p: string): Partial<Options> {
  const placement = r.map(d, 'placement', `${p}.placement`) ?? {};
  const pp = `${p}.placement`;
  r.keys(placement, pp, ['constraints', 'preferences', 'max_replicas_per_node']);
  const prefs = r.list(placement, 'preferences', `${pp}.preferences`).map((pref, i) => {
    if (!isMapping(pref) || Object.keys(pref).join() !== 'spread')
      r.fail(r.list(placement, 'preferences', pp), i, `${pp}.preferences[${i}]`, 'spread: node.labels.KEY');
    return `spread=${r.text(pref, 'spread', `${pp}.preferences[${i}].spread`) ?? ''}`;
  });
  const resources = r.map(d, 'resources', `${p}.resources`) ?? {};
  r.keys(resources, `${p}.resources`, ['limits', 'reservations']);
  const limits = r.map(resources, 'limits', `${p}.resources.limits`) ?? {};
  const lp = `${p}.resources.limits`;
  r.keys(limits, lp, ['cpus', 'memory', 'pids']);
  const reserve = r.map(resources, 'reservations', `${p}.resources.reservations`) ?? {};
  const rp = `${p}.resources.reservations`;
  r.keys(reserve, rp, ['cpus', 'memory', 'generic_resources']);
  const generic = r.list(reserve, 'generic_resources', `${rp}.generic_resources`).map((g, i) => {
    const gp = `${rp}.generic_resources[${i}]`;
    const spec = isMapping(g)
      ? r.map(g, 'discrete_resource_spec', `${gp}.discrete_resource_spec`)
      : undefined;
    if (!spec)
      return r.fail(r.list(reserve, 'generic_resources', gp), i, gp, 'discrete_resource_spec: {kind, value}');
    const kind = r.text(spec, 'kind', `${gp}.discrete_resource_spec.kind`);
    const value = r.checked(spec, 'value', `${gp}.discrete_resource_spec.value`, parseCount);
    return `${kind}=${value}`;
  });
  return {
    constraint: r.strings(placement, 'constraints', `${pp}.constraints`),
    placementPref: prefs,
    replicasMaxPerNode: r.checked(
      placement,
      'max_replicas_per_node',
      `${pp}.max_replicas_per_node`,
      parseCount,
    ),
    limitCpu: r.checked(limits, 'cpus', `${lp}.cpus`, parseCpus),
    limitMemory: r.checked(limits, 'memory', `${lp}.memory`, parseBytes),
    limitPids: r.checked(limits, 'pids', `${lp}.pids`, parseCount),
    reserveCpu: r.checked(reserve, 'cpus', `${rp}.cpus`, parseCpus),
    reserveMemory: r.checked(reserve, 'memory', `${rp}.memory`, parseBytes),
    genericResource: generic,
  };
}

function restartOptions(r: Reader, d: Mapping, p: string): Partial<Options> {
  const policy = r.map(d, 'restart_policy', `${p}.restart_policy`) ?? {};
  const rp = `${p}.restart_policy`;
  r.keys(policy, rp, ['condition', 'delay', 'max_attempts', 'window']);
  return {
    restartCondition:
      r.choice(policy, 'condition', `${rp}.condition`, ['none', 'on-failure', 'any']) ?? 'any',
    restartDelay: r.checked(policy, 'delay', `${rp}.delay`, parseDuration) ?? CREATE_DEFAULTS.restartDelay,
    restartMaxAttempts:
      r.checked(policy, 'max_attempts', `${rp}.max_attempts`, parseCount) ??
      CREATE_DEFAULTS.restartMaxAttempts,
    restartWindow:
      r.checked(policy, 'window', `${rp}.window`, parseDuration) ?? CREATE_DEFAULTS.restartWindow,
  };
}

function ratio(label: string, value: string): void {
  if (!/^\d*\.?\d+$/.test(value) || Number(value) > 1)
    throw invalidArgument(label, 'a number from 0 to 1', value);
}

function policyOptions(r: Reader, d: Mapping, p: string, kind: 'update' | 'rollback'): Partial<Options> {
  const key = `${kind}_config`;
  const c = r.map(d, key, `${p}.${key}`);
  if (!c) return {};
  const cp = `${p}.${key}`;
  r.keys(c, cp, POLICY);
  const actions = kind === 'update' ? ['pause', 'continue', 'rollback'] : ['pause', 'continue'];
  return {
    [`${kind}Parallelism`]: r.checked(c, 'parallelism', `${cp}.parallelism`, parseCount),
    [`${kind}Delay`]: r.checked(c, 'delay', `${cp}.delay`, parseDuration),
    [`${kind}FailureAction`]: r.choice(c, 'failure_action', `${cp}.failure_action`, actions),
    [`${kind}Monitor`]: r.checked(c, 'monitor', `${cp}.monitor`, parseDuration),
    [`${kind}MaxFailureRatio`]: r.checked(c, 'max_failure_ratio', `${cp}.max_failure_ratio`, ratio),
    [`${kind}Order`]: r.choice(c, 'order', `${cp}.order`, ['stop-first', 'start-first']),
  };
}

function healthOptions(r: Reader, s: Mapping, p: string): Partial<Options> {
  const h = r.map(s, 'healthcheck', `${p}.healthcheck`);
  if (!h) return {};
  const hp = `${p}.healthcheck`;
  r.keys(h, hp, ['test', 'interval', 'timeout', 'retries', 'start_period', 'disable']);
  if (r.flag(h, 'disable', `${hp}.disable`)) return { healthcheck: false };
  let cmd: string | undefined;
  if (typeof h.test === 'string') cmd = h.test;
  else {
    const [form, ...rest] = r.strings(h, 'test', `${hp}.test`);
    if (form === 'NONE') return { healthcheck: false };
    if (form === 'CMD-SHELL' && rest.length === 1) cmd = rest[0];
    else if (form === 'CMD' && rest.length > 0) cmd = rest.map(quoted).join(' ');
    else if (form !== undefined)
      r.fail(h, 'test', `${hp}.test`, 'a command, ["CMD", ARG...], ["CMD-SHELL", COMMAND] or ["NONE"]');
  }
  if (!cmd) throw invalidArgument(r.name(s, 'healthcheck', hp), 'a test (images bring no health check here)');
  return {
    healthCmd: cmd,
    healthInterval: r.checked(h, 'interval', `${hp}.interval`, parseDuration),
    healthTimeout: r.checked(h, 'timeout', `${hp}.timeout`, parseDuration),
    healthRetries: r.checked(h, 'retries', `${hp}.retries`, parseCount),
    healthStartPeriod: r.checked(h, 'start_period', `${hp}.start_period`, parseDuration),
  };
}

/** Ports as `--publish` values: "8080:80", "80", "53:53/udp", ranges, or the long syntax. */
function ports(r: Reader, s: Mapping, p: string): string[] {
  const list = r.list(s, 'ports', `${p}.ports`);
  return list.flatMap((item, i) => {
    const ip = `${p}.ports[${i}]`;
    const label = r.name(list, i, ip);
    let values: string[];
    if (isMapping(item)) {
      r.keys(item, ip, ['target', 'published', 'protocol', 'mode']);
      const target = r.text(item, 'target', `${ip}.target`);
      const published = r.text(item, 'published', `${ip}.published`);
      const fields = [
        published && `published=${published}`,
        `target=${target ?? ''}`,
        `protocol=${r.text(item, 'protocol', `${ip}.protocol`) ?? 'tcp'}`,
        `mode=${r.text(item, 'mode', `${ip}.mode`) ?? 'ingress'}`,
      ];
      values = [fields.filter(Boolean).join(',')];
    } else {
      const text = r.text(list, i, ip) ?? '';
      const m = /^(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(\/\w+)?$/.exec(text);
      if (!m) {
        const why =
          text.split(':').length > 2
            ? 'no host address (ports publish on every node)'
            : 'PUBLISHED:TARGET[/udp]';
        throw invalidArgument(label, why, text);
      }
      const [, from, to, target = '', targetTo, proto = ''] = m;
      const count = Number(targetTo ?? target) - Number(target) + 1;
      if (count < 1 || (from && Number(to ?? from) - Number(from) + 1 !== count))
        throw invalidArgument(label, 'ranges of the same length', text);
      values = Array.from({ length: count }, (_, k) =>
        from ? `${Number(from) + k}:${Number(target) + k}${proto}` : `${Number(target) + k}${proto}`,
      );
    }
    for (const v of values) parsePublish(v, label);
    return values;
  });
}

const ANONYMOUS =
  'a bind (an absolute, ./ or ~/ source), or a named volume as NAME:TARGET: anonymous volumes are not supported (declare a volume in the top-level volumes)';

/**
 * Volumes as mounts, as `--mount` makes them: binds (relative sources from the first file's
 * directory), tmpfs, and named volumes of the top-level volumes, with their driver options.
 */
function volumeMounts(r: Reader, s: Mapping, p: string, ctx: Context): Mount[] {
  const list = r.list(s, 'volumes', `${p}.volumes`);
  return list.map((item, i) => {
    const vp = `${p}.volumes[${i}]`;
    let type = 'bind';
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    if (isMapping(item)) {
      r.keys(item, vp, ['type', 'source', 'target', 'read_only', 'volume']);
      type = r.choice(item, 'type', `${vp}.type`, ['bind', 'tmpfs', 'volume']) ?? 'volume';
      source = r.text(item, 'source', `${vp}.source`);
      target = r.text(item, 'target', `${vp}.target`);
      readOnly = r.flag(item, 'read_only', `${vp}.read_only`) ?? false;
      const options = r.map(item, 'volume', `${vp}.volume`);
      if (options) {
        if (type !== 'volume') r.fail(item, 'volume', `${vp}.volume`, 'none but for type: volume');
        r.keys(options, `${vp}.volume`, ['nocopy']);
        // Volumes start empty here: what the image has at the target is never copied in.
        if (r.flag(options, 'nocopy', `${vp}.volume.nocopy`) === false)
          r.warnings.push(
            `${r.name(options, 'nocopy', `${vp}.volume.nocopy`)}: volumes start empty, the image's files at the target are not copied in`,
          );
      }
    } else {
      const [src = '', dst, mode, ...more] = (r.text(list, i, vp) ?? '').split(':');
      if (more.length > 0 || (mode !== undefined && !['ro', 'rw'].includes(mode)))
        r.fail(list, i, vp, 'SOURCE:TARGET[:ro|:rw]');
      source = dst === undefined ? undefined : src;
      target = dst ?? src;
      readOnly = mode === 'ro';
      const local = source !== undefined && /^(\/|\.|~)/.test(source);
      if (!local) type = 'volume';
    }
    if (!target || !isAbsolute(target)) r.fail(list, i, vp, 'an absolute target path');
    const mount = mountWith({ type, target, readOnly });
    if (type === 'bind') {
      if (!source) r.fail(list, i, vp, 'a source path');
      return { ...mount, source: ctx.path(source) };
    }
    if (type === 'tmpfs') return mount;
    if (!source) r.fail(list, i, vp, ANONYMOUS);
    const volume = ctx.volumes.get(source);
    if (!volume) r.fail(list, i, vp, `a volume of the top-level volumes (${source} is not declared there)`);
    return {
      ...mount,
      source: volume.name,
      volumeDriver: volume.driver,
      volumeOptions: { ...volume.options },
    };
  });
}

function tmpfs(r: Reader, s: Mapping, p: string): Mount[] {
  const list = typeof s.tmpfs === 'string' ? [s.tmpfs] : r.strings(s, 'tmpfs', `${p}.tmpfs`);
  return list.map((target) => mountWith({ type: 'tmpfs', target }));
}

/** The service's networks as cluster names: the default one unless it names others or runs on the node's network. */
function networks(r: Reader, s: Mapping, p: string, image: string, ctx: Context): string[] {
  const mode = r.choice(s, 'network_mode', `${p}.network_mode`, ['host']);
  const named = r.map(s, 'networks', `${p}.networks`);
  if (mode === 'host' || (image === HOST_IMAGE && !named)) {
    if (named) r.fail(s, 'networks', `${p}.networks`, 'none with network_mode: host');
    return mode === 'host' ? ['host'] : [];
  }
  if (image === HOST_IMAGE)
    r.fail(
      s,
      'networks',
      `${p}.networks`,
      'none for the image "host": a plain process runs on the node\'s network',
    );
  const keys = named ? Object.keys(named) : ['default'];
  return keys.map((key) => {
    if (named) {
      const n = r.map(named, key, `${p}.networks.${key}`);
      if (n) r.keys(n, `${p}.networks.${key}`, []);
    }
    const network = ctx.declared.get(key);
    if (!network && key !== 'default')
      r.fail(named!, key, `${p}.networks.${key}`, 'a network of the top-level networks');
    ctx.used.add(key);
    return network?.name ?? `${ctx.stack}_default`;
  });
}

/** Secrets or configs as `--secret`/`--config` values, each with its full target and mode. */
function fileRefs(
  r: Reader,
  s: Mapping,
  p: string,
  noun: 'secret' | 'config',
  top: Map<string, StackFile>,
): string[] {
  const list = r.list(s, `${noun}s`, `${p}.${noun}s`);
  return list.map((item, i) => {
    const fp = `${p}.${noun}s[${i}]`;
    let source: string | undefined;
    let target: string | undefined;
    let uid: string | undefined;
    let gid: string | undefined;
    let mode: string | undefined;
    if (isMapping(item)) {
      r.keys(item, fp, ['source', 'target', 'uid', 'gid', 'mode']);
      source = r.text(item, 'source', `${fp}.source`);
      target = r.text(item, 'target', `${fp}.target`);
      uid = r.text(item, 'uid', `${fp}.uid`);
      gid = r.text(item, 'gid', `${fp}.gid`);
      // YAML 1.1 reads 0440 as octal already: the number is the mode.
      mode = typeof item.mode === 'number' ? item.mode.toString(8) : r.text(item, 'mode', `${fp}.mode`);
    } else source = r.text(list, i, fp);
    const stored = source === undefined ? undefined : top.get(source);
    if (!stored) r.fail(list, i, fp, `a ${noun} of the top-level ${noun}s`);
    // As the manager completes them, so that a stored reference compares equal.
    const dir = noun === 'secret' ? '/run/secrets/' : '/';
    const path = target?.startsWith('/') ? target : `${dir}${target ?? source}`;
    const fields = [
      `source=${stored.name}`,
      `target=${path}`,
      uid !== undefined && `uid=${uid}`,
      gid !== undefined && `gid=${gid}`,
      `mode=${mode ?? '0444'}`,
    ];
    if (path.includes(',')) r.fail(list, i, fp, 'a target without commas');
    const value = fields.filter(Boolean).join(',');
    parseFileReference(r.name(list, i, fp), value);
    return value;
  });
}

/** The error for a stack name Docker would refuse too. */
export function checkStackName(stack: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(stack))
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid stack name ${JSON.stringify(stack)}: expected lowercase letters, digits, "-" and "_", starting with a letter or digit`,
    );
}
