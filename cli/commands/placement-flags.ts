/** The `service create` flags that say where tasks may go and what they reserve. */
import { invalidArgument } from '../../lib/errors.js';
import type { TaskSpec } from '../../proto/types.js';
import { parseCount } from '../format.js';

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

function preference(value: string): { spread: string } {
  const [kind, label] = value.split('=', 2);
  if (kind !== 'spread' || !label) throw invalidArgument('--placement-pref', 'spread=node.labels.KEY', value);
  return { spread: label };
}

/** `--generic-resource KEY=N` flags, as a service reserves them or a node advertises them. */
export function genericResources(values: string[]): Record<string, number> {
  return Object.fromEntries(
    values.map((v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw invalidArgument('--generic-resource', 'KEY=N such as gpu=1', v);
      return [v.slice(0, eq), parseCount('--generic-resource', v.slice(eq + 1))];
    }),
  );
}

const STRATEGIES = { spread: 'SPREAD', binpack: 'BINPACK' } as const;

export function placementFromFlags(o: PlacementOptions): Pick<TaskSpec, 'placement' | 'resources'> {
  const name = o.placementStrategy ?? 'spread';
  const strategy = STRATEGIES[name as keyof typeof STRATEGIES];
  if (!strategy) throw invalidArgument('--placement-strategy', 'spread or binpack', name);
  const reserves = o.reserveCpu !== undefined || o.reserveMemory !== undefined;
  const gen = genericResources(o.genericResource ?? []);
  return {
    placement: {
      constraints: o.constraint ?? [],
      preferences: (o.placementPref ?? []).map(preference),
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
