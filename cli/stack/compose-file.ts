/**
 * Compose files as `cluster stack deploy -c` reads them: each file parsed with `yaml` (anchors
 * and `<<` merge keys included), its strings interpolated (`${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `$$`) from the environment and the `.env` file beside the
 * first file, then the files merged as docker compose merges them: later files win, maps merge
 * key by key, and lists of ports, volumes, secrets and configs merge by target. Every map and
 * list of the result remembers where each of its entries was written (`where`), so that what
 * reads it can name the file and line of a bad value.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Mapping = { [key: string]: Value };

/** A place in a compose file, e.g. "compose.yml:12". */
type Place = string;

/** For each map and list of a loaded model, where each of its entries was written. */
const places = new WeakMap<object, Map<string, Place>>();

function remember(container: object, key: string | number, place: Place): void {
  let entries = places.get(container);
  if (!entries) places.set(container, (entries = new Map()));
  entries.set(String(key), place);
}

/** Where the entry `key` of a map or list of a loaded model was written ("" when unknown). */
export function where(container: object, key: string | number): Place {
  return places.get(container)?.get(String(key)) ?? '';
}

export interface Loaded {
  model: Mapping;
  /** The directory relative paths (env_file, secret files, bind sources) are read from. */
  baseDir: string;
  /** The variables interpolation saw, which also give the values of bare environment keys. */
  env: Record<string, string | undefined>;
}

/**
 * Reads `${NAME}`-style references out of a string. `lookup` gives a variable's value
 * (undefined: unset); `fail` raises an error for `${NAME:?message}` and bad syntax.
 */
export function interpolate(
  text: string,
  lookup: (name: string) => string | undefined,
  fail: (message: string) => never,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) fail(`an unterminated \${ in ${JSON.stringify(text)}`);
      out += substitute(text.slice(dollar + 2, end), lookup, fail);
      i = end + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(dollar + 1))?.[0];
      if (!name) fail(`a lone $ in ${JSON.stringify(text)} (write $$ for a dollar sign)`);
      out += lookup(name) ?? '';
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** The index of the `}` that closes a `${` whose body starts at `from`; -1 when none does. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The value of one `${...}` body: NAME, NAME:-default, NAME-default, NAME:?err, NAME?err, NAME:+alt, NAME+alt. */
function substitute(
  body: string,
  lookup: (name: string) => string | undefined,
  fail: (message: string) => never,
): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(body);
  if (!m) fail(`\${${body}}: expected \${NAME}, \${NAME:-default}, \${NAME-default} or \${NAME:?error}`);
  const [, name = '', colon, op, rest = ''] = m;
  const value = lookup(name);
  // With a colon, an empty value counts as unset.
  const set = colon ? value !== undefined && value !== '' : value !== undefined;
  const nested = () => interpolate(rest, lookup, fail);
  switch (op) {
    case '-':
      return set ? value! : nested();
    case '?':
      return set ? value! : fail(`${name} is required${rest ? `: ${nested()}` : ''}`);
    case '+':
      return set ? nested() : '';
    default:
      return value ?? '';
  }
}

/** A `.env` file: KEY=VALUE lines, `#` comments, optional `export `, quotes around the value removed. */
export function parseDotEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length > 1) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else value = value.replace(/\s+#.*$/, '');
    vars[line.slice(0, eq).trim()] = value;
  }
  return vars;
}

/** The variables interpolation sees: the `.env` file beside the first compose file, under the environment. */
export function interpolationEnv(
  firstFile: string,
  env: NodeJS.ProcessEnv,
): Record<string, string | undefined> {
  let dotEnv: Record<string, string> = {};
  try {
    dotEnv = parseDotEnv(readFileSync(join(dirname(firstFile), '.env'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { ...dotEnv, ...env };
}

/** One file's document as plain values, interpolated, with the place of every entry remembered. */
function toModel(file: string, text: string, vars: Record<string, string | undefined>): Mapping {
  const name = basename(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', merge: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    throw new FlotillaError('INVALID_ARGUMENT', `${file}: ${first.message.split('\n')[0]}`);
  }
  const place = (node: Node | null | undefined): Place =>
    node?.range ? `${name}:${lines.linePos(node.range[0]).line}` : name;
  const convert = (node: Node | null | undefined, path: string): Value => {
    if (isAlias(node)) return convert(node.resolve(doc as Document) as Node | undefined, path);
    if (isScalar(node)) {
      // YAML 1.1 (as Docker reads compose files) makes dates of some plain words and numbers
      // in base 60 of others ("8080:80"): Docker keeps their text, and so does this.
      const sexagesimal = typeof node.value === 'number' && node.source?.includes(':');
      if (node.value instanceof Date || sexagesimal) return node.source ?? String(node.value);
      if (typeof node.value !== 'string') return node.value as Value;
      const fail = (message: string): never => {
        throw invalidArgument(`${path} (${place(node)})`, 'a valid interpolation', message);
      };
      return interpolate(node.value, (v) => vars[v], fail);
    }
    if (isSeq(node)) {
      const list: Value[] = [];
      node.items.forEach((item, i) => {
        list.push(convert(item as Node, `${path}[${i}]`));
        remember(list, i, place(item as Node));
      });
      return list;
    }
    if (isMap(node)) {
      const map: Mapping = {};
      const merged: Mapping[] = [];
      for (const pair of node.items) {
        const key = pair.key as Node;
        if (isScalar(key) && typeof key.value === 'symbol') {
          // `<<: *anchor` or `<<: [*a, *b]`: keys the map does not set itself.
          const from = convert(pair.value as Node, path);
          merged.push(...(Array.isArray(from) ? from : [from]).filter(isMapping));
          continue;
        }
        const k = String(isScalar(key) ? key.value : key);
        map[k] = convert(pair.value as Node, path ? `${path}.${k}` : k);
        remember(map, k, place(key));
      }
      for (const source of merged) {
        for (const [k, v] of Object.entries(source)) {
          if (k in map) continue;
          map[k] = v;
          remember(map, k, where(source, k));
        }
      }
      return map;
    }
    return null;
  };
  const model = convert(doc.contents as Node | null, '');
  if (model === null) return {};
  if (!isMapping(model)) throw invalidArgument(file, 'a mapping of services, networks, secrets and configs');
  return model;
}

export function isMapping(v: Value | undefined): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads, interpolates and merges the compose files, in order. */
export function loadComposeFiles(files: string[], env: NodeJS.ProcessEnv = process.env): Loaded {
  if (files.length === 0) throw invalidArgument('--compose-file', 'at least one file');
  const vars = interpolationEnv(files[0]!, env);
  const models = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new FlotillaError('INVALID_ARGUMENT', `cannot read ${file}: ${(err as Error).message}`);
    }
    return normalised(toModel(file, text, vars));
  });
  const model = models.reduce((merged, next) => mergeMaps(merged, next, []));
  return { model, baseDir: dirname(files[0]!), env: vars };
}

/** A list of KEY=VALUE (or bare KEY) strings as a map, each entry where its line was. */
function listToMap(list: Value[]): Mapping {
  const map: Mapping = {};
  list.forEach((item, i) => {
    const text = String(item);
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    map[key] = eq < 0 ? null : text.slice(eq + 1);
    remember(map, key, where(list, i));
  });
  return map;
}

/** List-or-map keys (a service's, and the labels of everything) as maps, so that files merge them key by key. */
function normalised(model: Mapping): Mapping {
  for (const kind of ['networks', 'volumes', 'secrets', 'configs']) {
    const top = model[kind];
    if (!isMapping(top)) continue;
    for (const item of Object.values(top)) {
      if (isMapping(item) && Array.isArray(item.labels)) item.labels = listToMap(item.labels);
    }
  }
  const services = model.services;
  if (!isMapping(services)) return model;
  for (const service of Object.values(services)) {
    if (!isMapping(service)) continue;
    for (const key of ['environment', 'labels'] as const) {
      const v = service[key];
      if (Array.isArray(v)) service[key] = listToMap(v);
    }
    const deploy = service.deploy;
    if (isMapping(deploy) && Array.isArray(deploy.labels)) deploy.labels = listToMap(deploy.labels);
    if (Array.isArray(service.networks)) {
      const networks = service.networks;
      service.networks = Object.fromEntries(networks.map((n) => [String(n), null]));
      networks.forEach((n, i) => remember(service.networks as Mapping, String(n), where(networks, i)));
    }
  }
  return model;
}

/** The target a port, volume, secret or config entry is merged by. */
function targetOf(list: string, item: Value): string {
  if (isMapping(item)) {
    if (list === 'ports') return `${String(item.target)}/${String(item.protocol ?? 'tcp')}`;
    if (list === 'secrets' || list === 'configs') return String(item.target ?? item.source);
    return String(item.target);
  }
  const text = String(item);
  if (list === 'ports') {
    const [port = '', proto = 'tcp'] = text.split('/');
    return `${port.split(':').pop()}/${proto}`;
  }
  if (list === 'volumes') {
    const parts = text.split(':');
    return parts.length === 1 ? parts[0]! : parts[1]!;
  }
  return text;
}

const BY_TARGET = new Set(['ports', 'volumes', 'secrets', 'configs']);
const APPENDED = new Set(['env_file', 'cap_add', 'cap_drop', 'constraints']);

function mergeLists(key: string, base: Value[], over: Value[]): Value[] {
  const out: Value[] = [];
  const add = (list: Value[], i: number, item: Value) => {
    out.push(item);
    remember(out, out.length - 1, where(list, i));
  };
  if (BY_TARGET.has(key)) {
    const replaced = new Set(over.map((item) => targetOf(key, item)));
    base.forEach((item, i) => replaced.has(targetOf(key, item)) || add(base, i, item));
  } else if (APPENDED.has(key)) {
    const seen = new Set(over.map((item) => JSON.stringify(item)));
    base.forEach((item, i) => seen.has(JSON.stringify(item)) || add(base, i, item));
  }
  over.forEach((item, i) => add(over, i, item));
  return out;
}

/** `over` merged onto `base`: maps key by key, some lists by target or appended, the rest replaced. */
function mergeMaps(base: Mapping, over: Mapping, path: string[]): Mapping {
  const out: Mapping = {};
  for (const [k, v] of Object.entries(base)) {
    out[k] = v;
    remember(out, k, where(base, k));
  }
  for (const [k, v] of Object.entries(over)) {
    const was = out[k];
    // A command or a health check's test is replaced whole, whatever its form.
    const whole = k === 'command' || k === 'entrypoint' || (k === 'test' && path.at(-1) === 'healthcheck');
    if (!whole && isMapping(was) && isMapping(v)) out[k] = mergeMaps(was, v, [...path, k]);
    else if (!whole && Array.isArray(was) && Array.isArray(v)) out[k] = mergeLists(k, was, v);
    else out[k] = v;
    remember(out, k, where(over, k));
  }
  return out;
}
