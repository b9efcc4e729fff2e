/**
 * What the Control API may be sent, as the wire lets it through: strings of every kind,
 * 64-bit numbers up to their limits (as decimal strings, which the encoder takes exactly),
 * enum values the contract does not name, nested messages missing or half filled. A
 * near-valid request is a valid one with a few fields changed, each change naming the field
 * an INVALID_ARGUMENT refusal should name.
 */
import fc from 'fast-check';

type Obj = Record<string, unknown>;

/** Empty, long, unicode, control characters, lone surrogates and near misses of valid forms. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-',
    '.',
    '..',
    '/',
    'a',
    'web',
    'net0',
    'a'.repeat(63),
    'a'.repeat(64),
    'x y',
    'a/b',
    '-x',
    '\0',
    'a\nb',
    'é',
    '日本',
    '😀',
    '\u202e',
    '{{',
    '{{.Node.Hostname}}',
    '{{.Bad.Field}}',
    '=',
    'A=1',
    'SIGTERM',
    'ALL',
    'host',
    '0',
    '-1',
    '/tmp',
    'node.labels.zone==a',
    'service.name==web',
    '10.30.0.0/24',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    maxLength: 3,
  }),
  fc.string({ minLength: 100, maxLength: 1_000 }),
);

const small = fc.integer({ min: -3, max: 100 });
const edges = [0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53)];
export const int64 = fc.oneof(
  small,
  fc.constantFrom(...edges),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);
export const uint64 = fc.oneof(
  small.filter((n) => n >= 0),
  fc.constantFrom(...edges.filter((n) => n >= 0)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
);
export const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(0, 1, 65_535, 65_536, 2 ** 31, 2 ** 32 - 1),
);
export const double = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 0.5, 1, 1.000001, -0.1),
);
/** An enum field: its names, or numbers it does not name (the wire carries any int32). */
export const enumOf = (...names: string[]) =>
  fc.oneof(fc.constantFrom(...names), fc.constantFrom(-1, names.length, 99), fc.integer());

const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 4 });
const dict = fc.dictionary(text, text, { maxKeys: 3 });
/** A message: null, or some of its fields (the rest take their defaults). */
const message = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.option(fc.record(fields, { requiredKeys: [] }), { nil: null });

/** One field changed: where, to what, and what a refusal of it should name. */
export interface Change {
  path: string;
  value: unknown;
  field: RegExp;
}

const change = (path: string, value: fc.Arbitrary<unknown>, field: RegExp): fc.Arbitrary<Change> =>
  value.map((v) => ({ path, value: v, field }));

/**
 * Sets `path` (dot-separated) in `root`, making the messages on the way that were missing;
 * the empty path merges `value` into `root` (a oneof: its members at once).
 */
export function applyChange(root: Obj, { path, value }: Change): void {
  if (!path) return void Object.assign(root, value);
  const keys = path.split('.');
  let o = root;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Obj;
  o[keys.at(-1)!] = value;
}

/** A copy of `base` with the changes applied, and what a refusal of it may name. */
export function changed<T>(base: T, changes: Change[]): { value: T; field: RegExp } {
  const value = structuredClone(base) as Obj;
  for (const c of changes) applyChange(value, c);
  return { value: value as T, field: new RegExp(changes.map((c) => c.field.source).join('|') || '$^', 'i') };
}

/** Some ports, at times each twice. */
const ports = list(
  fc.record(
    {
      targetPort: uint32,
      publishedPort: fc.oneof(fc.constant(0), uint32),
      protocol: enumOf('TCP', 'UDP'),
      mode: enumOf('INGRESS', 'HOST'),
    },
    { requiredKeys: [] },
  ),
).chain((some) => fc.constantFrom(some, [...some, ...some]));
const policy = message({
  parallelism: uint64,
  delayMs: int64,
  failureAction: enumOf('FAILURE_PAUSE', 'FAILURE_CONTINUE', 'FAILURE_ROLLBACK'),
  monitorMs: int64,
  maxFailureRatio: double,
  order: enumOf('STOP_FIRST', 'START_FIRST'),
  canary: uint64,
  autoPromote: fc.boolean(),
  timeoutMs: int64,
});
const resources = message({ nanoCpus: int64, memoryBytes: int64, pids: int64 });
const noMode = { replicated: null, global: null, replicatedJob: null, globalJob: null };
const modes = fc
  .oneof(
    fc.record({ replicated: message({ replicas: uint64 }) }),
    fc.constant({ global: {} }),
    fc.record({ replicatedJob: message({ maxConcurrent: uint64, totalCompletions: uint64 }) }),
    fc.constant({ globalJob: {} }),
    fc.constant({}),
  )
  .map((mode) => ({ ...noMode, ...mode }));

/**
 * Changes to a service spec, one field each. `known` are names of services and references to
 * networks (names, ids, prefixes) that exist, mixed with text.
 */
export function serviceSpecChange(known: { services: string[]; networks: string[] }): fc.Arbitrary<Change> {
  const networks = known.networks;
  const c = 'task.container';
  const p = 'task.placement';
  return fc.oneof(
    change('name', fc.oneof(fc.constantFrom(...known.services), text), /name/),
    change('labels', dict, /label/),
    change('', modes, /mode|replicas|completions|concurrent/),
    change('task', fc.constant(null), /image/),
    change(c, fc.constant(null), /image/),
    change(`${c}.image`, text, /image|command/),
    change(`${c}.command`, list(text), /command/),
    change(`${c}.args`, list(text), /command/),
    change(
      `${c}.env`,
      list(
        fc.oneof(
          text,
          fc.tuple(text, text).map(([k, v]) => `${k}=${v}`),
        ),
      ),
      /env/,
    ),
    change(`${c}.dir`, text, /dir/),
    change(`${c}.labels`, dict, /label/),
    change(`${c}.stopSignal`, text, /stop signal/),
    change(`${c}.stopGracePeriodMs`, int64, /stop grace period/),
    change(`${c}.user`, text, /user/),
    change(`${c}.hostname`, text, /hostname/),
    change(
      `${c}.healthcheck`,
      message({ cmd: text, intervalMs: int64, timeoutMs: int64, retries: uint32, startPeriodMs: int64 }),
      /health/,
    ),
    change(
      `${c}.mounts`,
      list(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom('bind', 'tmpfs'), text),
            source: fc.oneof(fc.constantFrom('', '/srv'), text),
            target: fc.oneof(fc.constant('/data'), text),
            readOnly: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
      ),
      /mount/,
    ),
    change(
      `${c}.capAdd`,
      list(fc.oneof(fc.constantFrom('NET_ADMIN', 'ALL', 'all', 'CAP_SYS_ADMIN'), text)),
      /cap/,
    ),
    change(`${c}.capDrop`, list(fc.oneof(fc.constantFrom('NET_RAW', 'ALL'), text)), /cap/),
    change(`${c}.registryAuth`, text, /registry/),
    change(`${c}.hostNetwork`, fc.boolean(), /network/),
    change(
      'task.restart',
      message({
        condition: enumOf('RESTART_ANY', 'RESTART_ON_FAILURE', 'RESTART_NONE'),
        delayMs: int64,
        maxAttempts: uint64,
        windowMs: int64,
      }),
      /restart/,
    ),
    change('task.placement', fc.constant(null), /placement/),
    change(
      `${p}.constraints`,
      list(fc.oneof(fc.constantFrom('node.role==worker', 'node.labels.a!=b'), text)),
      /constraint/,
    ),
    change(
      `${p}.preferences`,
      list(fc.record({ spread: fc.oneof(fc.constant('node.labels.zone'), text) })),
      /preference/,
    ),
    change(`${p}.maxReplicas`, uint64, /max replicas/),
    change(`${p}.strategy`, enumOf('SPREAD', 'BINPACK'), /strategy/),
    change(`${p}.affinities`, list(fc.oneof(fc.constant('service.name==web'), text)), /affinity/),
    change(`${p}.antiAffinities`, list(fc.oneof(fc.constant('service.labels.a==b'), text)), /affinity/),
    change(
      'task.resources',
      message({
        reservations: resources,
        generic: fc.dictionary(text, int64, { maxKeys: 3 }),
        limits: resources,
      }),
      /reserv|generic|limit/,
    ),
    change('task.forceUpdate', uint64, /force/),
    change('task.networks', list(fc.oneof(fc.constantFrom(...networks), text)), /network/),
    change('update', policy, /update/),
    change('rollback', policy, /rollback/),
    change(
      'endpoint',
      message({ ports, lb: enumOf('ROUND_ROBIN', 'LEAST_CONN'), proxyProtocol: fc.boolean() }),
      /port|protocol|publish|load balancing/,
    ),
    change('labels', fc.constant({ big: 'x'.repeat(600 * 1024) }), /the service spec is/),
  );
}

/** A few changes, usually one (near-valid), at times several at once. */
export const someChanges = (one: fc.Arbitrary<Change>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(one) },
    { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 6 }) },
  );

export const nodeSpecChange: fc.Arbitrary<Change> = fc.oneof(
  change('desiredRole', enumOf('WORKER', 'MANAGER'), /role/),
  change('availability', enumOf('ACTIVE', 'PAUSE', 'DRAIN'), /availability/),
  change('labels', dict, /label/),
);

/** IPv4 networks in CIDR form, right and wrong: any address, prefixes from 0 to 33. */
const cidr = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 256 }), { minLength: 4, maxLength: 4 }),
    fc.integer({ min: 0, max: 33 }),
  )
  .map(([octets, prefix]) => `${octets.join('.')}/${prefix}`);

export const networkSpecChange: fc.Arbitrary<Change> = fc.oneof(
  change('name', text, /name/),
  change('labels', dict, /label/),
  change('driver', fc.oneof(fc.constantFrom('', 'overlay', 'bridge'), text), /driver/),
  change(
    'subnet',
    fc.oneof(cidr, fc.constantFrom('10.214.0.0/24', '10.213.0.0/16', '10.30.0.0/24'), text),
    /subnet/,
  ),
);

/** A reference to an object: one of `known` (ids, id prefixes, names), or text. */
export const ref = (...known: string[]) => fc.oneof(fc.constantFrom(...known), text);
