/**
 * The flags that say where tasks may go and what they reserve: those of `service create`, and
 * those of `service update` that edit them (--constraint-add/-rm and the like). Also the list
 * edit the update flags of every flag module share.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../../lib/errors.js';
import { placementWith, type Placement, type TaskSpec } from '../../../../proto/types.js';
import { collect, parseCount } from '../../../format.js';

/** All optional: commander fills in the defaults, callers in code may leave them out. */
export interface PlacementOptions {
  constraint?: string[];
  placementPref?: string[];
  placementStrategy?: string;
  affinity?: string[];
  antiAffinity?: string[];
  replicasMaxPerNode?: string;
  reserveCpu?: string;
  reserveMemory?: string;
  genericResource?: string[];
}

/** The placement and reservation flags of `service create`. */
export function addPlacementFlags(cmd: Command): Command {
  return cmd
    .option('--constraint <expr>', 'e.g. node.labels.zone==b (repeatable)', collect, [])
    .option('--placement-pref <pref>', 'spread=node.labels.KEY (repeatable, hierarchical)', collect, [])
    .option('--placement-strategy <strategy>', 'spread or binpack', 'spread')
    .option(
      '--affinity <expr>',
      'only on nodes running a task of service.name==NAME or service.labels.KEY==VALUE (repeatable)',
      collect,
      [],
    )
    .option(
      '--anti-affinity <expr>',
      'only on nodes running no task of service.name==NAME or service.labels.KEY==VALUE (repeatable)',
      collect,
      [],
    )
    .option('--replicas-max-per-node <n>', 'at most this many tasks on one node (0: no limit)', '0')
    .option('--reserve-cpu <cores>', 'cpu reserved per task, e.g. 0.5')
    .option('--reserve-memory <size>', 'memory reserved per task, e.g. 256M')
    .option('--generic-resource <KEY=N>', 'named resource per task, e.g. gpu=1 (repeatable)', collect, []);
}

/** Cores, possibly fractional ("0.5"), in nano cpus. */
export function parseCpus(flag: string, value: string): number {
  const cores = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !Number.isFinite(cores)) {
    throw invalidArgument(flag, 'a number of cores such as 0.5 or 2', value);
  }
  return Math.round(cores * 1e9);
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A size in bytes, as Docker reads it: "256M", "1g", "512KiB", "1024" (binary units). */
export function parseBytes(flag: string, value: string): number {
  const m = /^(\d*\.?\d+)\s*([kmgt]?)(i?b)?$/i.exec(value.trim());
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw invalidArgument(flag, 'a size such as 256M or 1G', value);
  return Math.round(Number(m[1]) * unit);
}

function preference(value: string, flag = '--placement-pref'): { spread: string } {
  const [kind, label] = value.split('=', 2);
  if (kind !== 'spread' || !label) throw invalidArgument(flag, 'spread=node.labels.KEY', value);
  return { spread: label };
}

/** `--generic-resource KEY=N` flags, as a service reserves them or a node advertises them. */
export function genericResources(values: string[], flag = '--generic-resource'): Record<string, number> {
  return Object.fromEntries(
    values.map((v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw invalidArgument(flag, 'KEY=N such as gpu=1', v);
      return [v.slice(0, eq), parseCount(flag, v.slice(eq + 1))];
    }),
  );
}

type ResourceRequirements = NonNullable<TaskSpec['resources']>;

const STRATEGIES = { spread: 'SPREAD', binpack: 'BINPACK' } as const;

function strategyFromFlag(name: string): Placement['strategy'] {
  const strategy = STRATEGIES[name as keyof typeof STRATEGIES];
  if (!strategy) throw invalidArgument('--placement-strategy', 'spread or binpack', name);
  return strategy;
}

export function placementFromFlags(o: PlacementOptions): Pick<TaskSpec, 'placement' | 'resources'> {
  const strategy = strategyFromFlag(o.placementStrategy ?? 'spread');
  const reserves = o.reserveCpu !== undefined || o.reserveMemory !== undefined;
  const gen = genericResources(o.genericResource ?? []);
  return {
    placement: {
      constraints: o.constraint ?? [],
      preferences: (o.placementPref ?? []).map((p) => preference(p)),
      maxReplicas: parseCount('--replicas-max-per-node', o.replicasMaxPerNode ?? '0'),
      strategy,
      affinities: o.affinity ?? [],
      antiAffinities: o.antiAffinity ?? [],
    },
    resources:
      reserves || Object.keys(gen).length > 0
        ? {
            reservations: {
              nanoCpus: o.reserveCpu === undefined ? 0 : parseCpus('--reserve-cpu', o.reserveCpu),
              memoryBytes:
                o.reserveMemory === undefined ? 0 : parseBytes('--reserve-memory', o.reserveMemory),
              pids: 0,
            },
            generic: gen,
            limits: null,
          }
        : null,
  };
}

/**
 * A list as an update flag pair edits it: the entries each `rm` value names taken out (a
 * value that names none is refused, saying what the list holds, so that a typo is not
 * silently a no-op), then `add` appended, each in place of an entry with the same key.
 */
export function editList<T>(
  rmFlag: string,
  list: readonly T[],
  rm: readonly string[],
  add: readonly T[],
  key: (item: T) => string,
): T[] {
  for (const name of rm) {
    if (!list.some((item) => key(item) === name)) {
      const has = list.length ? `one of ${list.map(key).join(', ')}` : 'one the service has (it has none)';
      throw invalidArgument(rmFlag, has, name);
    }
  }
  const added = new Set(add.map(key));
  return [...list.filter((item) => !rm.includes(key(item)) && !added.has(key(item))), ...add];
}

/** The same edit for a map (labels, generic resources): keys removed, then entries set. */
export function editMap<V>(
  rmFlag: string,
  map: Readonly<Record<string, V>>,
  rm: readonly string[],
  add: Readonly<Record<string, V>>,
): Record<string, V> {
  const kept = editList(rmFlag, Object.entries(map), rm, [], ([k]) => k);
  return { ...Object.fromEntries(kept), ...add };
}

/** All optional: an update changes only what its flags name. */
export interface PlacementUpdateOptions {
  constraintAdd?: string[];
  constraintRm?: string[];
  placementPrefAdd?: string[];
  placementPrefRm?: string[];
  placementStrategy?: string;
  affinityAdd?: string[];
  affinityRm?: string[];
  antiAffinityAdd?: string[];
  antiAffinityRm?: string[];
  replicasMaxPerNode?: string;
  reserveCpu?: string;
  reserveMemory?: string;
  genericResourceAdd?: string[];
  genericResourceRm?: string[];
}

/** Adds the placement and reservation flags of `service update` (no defaults: unset is unchanged). */
export function addPlacementUpdateFlags(cmd: Command): Command {
  const pair = (name: string, what: string) =>
    cmd
      .option(`--${name}-add <expr>`, `add ${what} (repeatable)`, collect, [])
      .option(`--${name}-rm <expr>`, `remove ${what} (spaces aside, as added) (repeatable)`, collect, []);
  pair('constraint', 'a constraint such as node.labels.zone==b');
  pair('placement-pref', 'a placement preference, spread=node.labels.KEY');
  pair('affinity', 'an affinity, service.name==NAME or service.labels.KEY==VALUE');
  pair('anti-affinity', 'an anti-affinity, service.name==NAME or service.labels.KEY==VALUE');
  return cmd
    .option('--placement-strategy <strategy>', 'spread or binpack')
    .option('--replicas-max-per-node <n>', 'at most this many tasks on one node (0: no limit)')
    .option('--reserve-cpu <cores>', 'cpu reserved per task, e.g. 0.5 (0: none)')
    .option('--reserve-memory <size>', 'memory reserved per task, e.g. 256M (0: none)')
    .option('--generic-resource-add <KEY=N>', 'reserve a named resource per task (repeatable)', collect, [])
    .option('--generic-resource-rm <KEY>', 'stop reserving a named resource (repeatable)', collect, []);
}

/** Spaces do not matter in an expression: `a == b` removes what `a==b` added. */
const expression = (e: string) => e.replace(/\s+/g, '');

/** The task's placement and reservations with the update flags applied; unchanged without them. */
export function withPlacementChanges(
  task: Pick<TaskSpec, 'placement' | 'resources'>,
  o: PlacementUpdateOptions,
): Pick<TaskSpec, 'placement' | 'resources'> {
  const current: Placement = task.placement ?? placementWith();
  const edit = (flag: string, list: string[], rm?: string[], add?: string[]) =>
    rm?.length || add?.length
      ? editList(`--${flag}-rm`, list, (rm ?? []).map(expression), add ?? [], expression)
      : list;
  const placement: Placement = {
    ...current,
    constraints: edit('constraint', current.constraints, o.constraintRm, o.constraintAdd),
    affinities: edit('affinity', current.affinities, o.affinityRm, o.affinityAdd),
    antiAffinities: edit('anti-affinity', current.antiAffinities, o.antiAffinityRm, o.antiAffinityAdd),
    preferences:
      o.placementPrefRm?.length || o.placementPrefAdd?.length
        ? editList(
            '--placement-pref-rm',
            current.preferences,
            (o.placementPrefRm ?? []).map((p) => preference(p, '--placement-pref-rm').spread),
            (o.placementPrefAdd ?? []).map((p) => preference(p, '--placement-pref-add')),
            (p) => p.spread,
          )
        : current.preferences,
    maxReplicas:
      o.replicasMaxPerNode === undefined
        ? current.maxReplicas
        : parseCount('--replicas-max-per-node', o.replicasMaxPerNode),
    strategy: o.placementStrategy === undefined ? current.strategy : strategyFromFlag(o.placementStrategy),
  };
  const changed = JSON.stringify(placement) !== JSON.stringify(current);
  return {
    placement: changed || task.placement ? placement : null,
    resources: withReservationChanges(task.resources, o),
  };
}

function withReservationChanges(
  resources: ResourceRequirements | null,
  o: PlacementUpdateOptions,
): ResourceRequirements | null {
  const genericRm = o.genericResourceRm ?? [];
  const genericAdd = o.genericResourceAdd ?? [];
  if (o.reserveCpu === undefined && o.reserveMemory === undefined && !genericRm.length && !genericAdd.length)
    return resources;
  const was = resources?.reservations ?? { nanoCpus: 0, memoryBytes: 0, pids: 0 };
  const reservations = {
    ...was,
    nanoCpus: o.reserveCpu === undefined ? was.nanoCpus : parseCpus('--reserve-cpu', o.reserveCpu),
    memoryBytes:
      o.reserveMemory === undefined ? was.memoryBytes : parseBytes('--reserve-memory', o.reserveMemory),
  };
  const generic = editMap(
    '--generic-resource-rm',
    resources?.generic ?? {},
    genericRm,
    genericResources(genericAdd, '--generic-resource-add'),
  );
  const reserves = reservations.nanoCpus > 0 || reservations.memoryBytes > 0 || reservations.pids > 0;
  const limits = resources?.limits ?? null;
  if (!reserves && Object.keys(generic).length === 0 && !limits) return null;
  return { reservations: reserves ? reservations : null, generic, limits };
}
