/** Checks where a service's tasks may go and what they reserve, naming the CLI flags. */
import { invalidArgument } from '../../lib/errors.js';
import type { TaskSpec } from '../../proto/types.js';
import { parseServiceSelector } from '../scheduler/affinity.js';
import { parseConstraint } from '../scheduler/constraints.js';

const CONSTRAINT =
  'node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY, then == or !=, then a value';
const SELECTOR = 'service.name==NAME or service.labels.KEY==VALUE';
const PREFERENCE = /^node\.labels\.[^\s=!]+$/;
const GENERIC_KEY = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

const count = (n: number) => Number.isSafeInteger(n) && n >= 0;

export function validatePlacement(task: TaskSpec | null | undefined): void {
  const p = task?.placement;
  for (const c of p?.constraints ?? []) {
    if (!parseConstraint(c)) throw invalidArgument('constraint (--constraint)', CONSTRAINT, c);
  }
  for (const a of p?.affinities ?? []) {
    if (!parseServiceSelector(a)) throw invalidArgument('service affinity (--affinity)', SELECTOR, a);
  }
  for (const a of p?.antiAffinities ?? []) {
    if (!parseServiceSelector(a))
      throw invalidArgument('service anti-affinity (--anti-affinity)', SELECTOR, a);
  }
  for (const pref of p?.preferences ?? []) {
    if (!PREFERENCE.test(pref.spread)) {
      throw invalidArgument(
        'placement preference (--placement-pref)',
        'spread=node.labels.KEY',
        `spread=${pref.spread}`,
      );
    }
  }
  if (p && !count(p.maxReplicas)) {
    throw invalidArgument(
      'max replicas per node (--replicas-max-per-node)',
      'a whole number ≥ 0',
      p.maxReplicas,
    );
  }
  if (p && p.strategy !== 'SPREAD' && p.strategy !== 'BINPACK') {
    throw invalidArgument('placement strategy (--placement-strategy)', 'spread or binpack', p.strategy);
  }
  const r = task?.resources;
  if (r?.reservations && !count(r.reservations.nanoCpus)) {
    throw invalidArgument(
      'cpu reservation (--reserve-cpu)',
      'a number of cores ≥ 0',
      r.reservations.nanoCpus / 1e9,
    );
  }
  if (r?.reservations && !count(r.reservations.memoryBytes)) {
    throw invalidArgument('memory reservation (--reserve-memory)', 'a size ≥ 0', r.reservations.memoryBytes);
  }
  for (const [key, n] of Object.entries(r?.generic ?? {})) {
    if (!GENERIC_KEY.test(key) || !Number.isSafeInteger(n) || n <= 0) {
      throw invalidArgument(
        'generic resource (--generic-resource)',
        'KEY=N with a whole N > 0',
        `${key}=${n}`,
      );
    }
  }
}
