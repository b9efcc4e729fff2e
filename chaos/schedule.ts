/**
 * The nemesis schedule of a chaos run: which faults, on which hosts, when and for how long.
 * Made from the seed alone, so that printing the seed is enough to run the same schedule again.
 */
import { Prng } from '../lib/prng.js';

export type FaultKind =
  | 'kill' // kill -9 of every process of a host, then a restart
  | 'pause' // SIGSTOP of every process of a host, then SIGCONT
  | 'isolate-leader' // the leading manager cut off from every other host
  | 'split' // the hosts in two groups, one of them a minority of the managers
  | 'one-way' // a host stops receiving from another, which still receives from it
  | 'disk-full' // the disk of the manager on a small tmpfs filled to the last byte
  | 'promote' // a worker made a manager (and made a worker again at the end of the fault)
  | 'demote'; // a manager made a worker (and a manager again at the end of the fault)

export interface Fault {
  /** Milliseconds from the start of the workload. */
  readonly at: number;
  readonly kind: FaultKind;
  /** The hosts it acts on, by name; `isolate-leader` finds its target when it starts. */
  readonly hosts: readonly string[];
  readonly durationMs: number;
}

export interface Topology {
  readonly managers: readonly string[];
  readonly workers: readonly string[];
  /** The manager whose data dir is a small tmpfs (the `disk-full` target). */
  readonly diskHost: string;
}

const KINDS: readonly FaultKind[] = [
  'kill',
  'kill',
  'pause',
  'isolate-leader',
  'isolate-leader',
  'split',
  'one-way',
  'disk-full',
  'promote',
  'demote',
];

/**
 * One fault at a time, each lasting 2–8 s, with 1–4 s of calm between them, over `seconds`.
 * A fault ends before the workload does, so that every run ends healed.
 */
export function makeSchedule(seed: number, seconds: number, topology: Topology): Fault[] {
  const prng = new Prng(seed);
  const hosts = [...topology.managers, ...topology.workers];
  const end = seconds * 1000;
  const faults: Fault[] = [];
  for (let at = 2_000 + prng.int(2_000); ;) {
    const durationMs = 2_000 + prng.int(6_000);
    if (at + durationMs > end) break;
    const kinds = KINDS.filter((k) => k !== 'promote' || topology.workers.length > 0);
    const kind = prng.pick(kinds);
    faults.push({ at, kind, hosts: targets(prng, kind, topology, hosts), durationMs });
    at += durationMs + 1_000 + prng.int(3_000);
  }
  return faults;
}

function targets(prng: Prng, kind: FaultKind, t: Topology, hosts: readonly string[]): string[] {
  switch (kind) {
    case 'kill':
    case 'pause':
      return [prng.pick(hosts)];
    case 'isolate-leader':
      return [];
    case 'split': {
      // A minority of the managers, and any of the workers, on the small side.
      const minority = shuffled(prng, t.managers).slice(0, prng.int(Math.ceil(t.managers.length / 2)) || 1);
      return [...minority, ...t.workers.filter(() => prng.chance(0.5))];
    }
    case 'one-way': {
      const [to, from] = shuffled(prng, hosts);
      return [to!, from!];
    }
    case 'disk-full':
      return [t.diskHost];
    case 'promote':
      return [prng.pick(t.workers)];
    case 'demote':
      return [prng.pick(t.managers)];
  }
}

function shuffled<T>(prng: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function describeFault(f: Fault): string {
  const where =
    f.kind === 'one-way'
      ? `${f.hosts[0]} hears nothing from ${f.hosts[1]}`
      : f.kind === 'split'
        ? `${f.hosts.join(',')} / the rest`
        : f.hosts.join(',') || 'the leader';
  return `+${(f.at / 1000).toFixed(1)}s ${f.kind} ${where} for ${(f.durationMs / 1000).toFixed(1)}s`;
}
