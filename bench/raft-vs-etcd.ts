/**
 * Raft benchmark: our Raft (three raft-member processes, fsync on) against etcd (3 members,
 * etcd-server's defaults) in the same run, on loopback, all three systems with mutual TLS on
 * every connection (raft-vs-etcd/etcd.ts, floor.ts). First sequential commit latency
 * (and the CPU the three members use per put meanwhile) of ours, etcd's and the floor's
 * (floor.ts: the same round trip with no consensus, the least this stack can do here), in
 * rounds where the three take turns. Then throughput at 64 and 256 in flight, ours and etcd
 * taking turns the same way (with the CPU per put of the members and of this process's
 * client, which share the machine); then, one system after the other, elections while idle
 * and leader failover. Prints one JSON line per figure and one per flotilla/etcd and
 * floor/etcd ratio; progress goes to stderr.
 *
 * This process's own client code (gRPC, TLS, etcd3) is compiled as it runs too, and would
 * slow whichever system is timed first. So before any figure it is warmed on throwaway
 * systems, one of each kind, started and stopped here; then fresh systems are started and
 * timed, each after the same `warm` unmeasured puts. A quick run thus times every system as
 * a fresh one fares (a fresh manager's first writes against a fresh etcd's), with a client
 * that is warm for all three alike. A line per system says what it had before timing.
 *
 *   npm run build && node dist/bench/raft-vs-etcd.js [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdSystem } from './raft-vs-etcd/etcd.js';
import { FloorSystem } from './raft-vs-etcd/floor.js';
import { FlotillaSystem } from './raft-vs-etcd/flotilla.js';
import { commitLatency, failover, idle, throughput, warmPuts } from './raft-vs-etcd/measure.js';
import { describeError } from '../lib/errors.js';
import { median, progress } from './stats.js';
import type { RaftSystem } from './raft-vs-etcd/system.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
// Every system is fresh and first takes `warm` unmeasured puts: few in a quick run, which
// shows how a fresh system's first writes fare; many in a full run, which measures the steady
// state. `clientWarm`: puts to each throwaway system, which warm this process's client code.
const cfg = quick
  ? { puts: 200, warm: 20, clientWarm: 1000, rounds: 1, throughputSeconds: 2, failovers: 2, idleSeconds: 10 }
  : {
      puts: 2000,
      warm: 2500,
      clientWarm: 1000,
      rounds: 3,
      throughputSeconds: 5,
      failovers: 10,
      idleSeconds: 60,
    };

type Figures = Map<string, number>;
type LatencySubject = Parameters<typeof commitLatency>[0] & Pick<RaftSystem, 'name'>;

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'raft', ...line, mode, tls: true }));
}

/** Records a figure of `system` and prints it. */
function add(
  figures: Figures,
  system: string,
  figure: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {},
): void {
  figures.set(figure, value);
  print({ figure, system, value: Number(value.toPrecision(4)), unit, ...extra });
}

/**
 * Sequential commit latency of each system, the systems taking turns `cfg.rounds` times so
 * that a busy spell of the (shared) machine falls on all of them alike; each figure is the
 * median over the rounds.
 */
async function latencies(systems: LatencySubject[]): Promise<Map<string, Figures>> {
  const rounds = new Map(systems.map((s) => [s.name, [] as Awaited<ReturnType<typeof commitLatency>>[]]));
  for (let r = 1; r <= cfg.rounds; r++) {
    for (const sys of systems) {
      progress(`${sys.name}: sequential commit latency, round ${r} of ${cfg.rounds} (${cfg.puts} puts)`);
      try {
        rounds.get(sys.name)!.push(await commitLatency(sys, cfg.puts, cfg.warm));
      } catch (err) {
        print({ system: sys.name, error: describeError(err) });
      }
    }
  }
  const all = new Map<string, Figures>();
  for (const [system, results] of rounds) {
    const figures: Figures = new Map();
    all.set(system, figures);
    if (results.length === 0) continue;
    const extra = { puts: cfg.puts, rounds: results.length };
    add(figures, system, 'commit_latency_p50_ms', median(results.map((l) => l.p50)), 'ms', extra);
    add(figures, system, 'commit_latency_p99_ms', median(results.map((l) => l.p99)), 'ms', extra);
    const cpu = median(results.map((l) => l.cpuMsPerPut));
    add(figures, system, 'members_cpu_ms_per_sequential_put', cpu, 'ms', extra);
  }
  return all;
}

/**
 * Throughput at 64 and 256 in flight, the systems taking turns `cfg.rounds` times as in
 * latencies(), each figure the median over the rounds; added to each system's figures.
 */
async function throughputs(systems: RaftSystem[], all: Map<string, Figures>): Promise<void> {
  for (const inFlight of [64, 256]) {
    const runs = new Map(systems.map((s) => [s.name, [] as Awaited<ReturnType<typeof throughput>>[]]));
    for (let r = 1; r <= cfg.rounds; r++) {
      for (const sys of systems) {
        progress(
          `${sys.name}: throughput, ${inFlight} in flight, ${cfg.throughputSeconds} s, round ${r} of ${cfg.rounds}`,
        );
        try {
          runs.get(sys.name)!.push(await throughput(sys, inFlight, cfg.throughputSeconds));
        } catch (err) {
          print({ system: sys.name, error: describeError(err) });
        }
      }
    }
    for (const [system, results] of runs) {
      if (results.length === 0) continue;
      const figures = all.get(system)!;
      const extra = { rounds: results.length };
      const errors = results.reduce((sum, t) => sum + t.errors, 0);
      const figure = `throughput_${inFlight}_in_flight_puts_per_s`;
      add(figures, system, figure, median(results.map((t) => t.putsPerSec)), 'puts/s', { errors, ...extra });
      const cpu = median(results.map((t) => t.cpuMsPerPut));
      add(figures, system, `members_cpu_ms_per_put_${inFlight}_in_flight`, cpu, 'ms', extra);
      const client = median(results.map((t) => t.clientCpuMsPerPut));
      add(figures, system, `client_cpu_ms_per_put_${inFlight}_in_flight`, client, 'ms', extra);
    }
  }
}

/** Idle stability and failover of one system, added to its figures. */
async function measure(sys: RaftSystem, figures: Figures): Promise<void> {
  try {
    progress(`${sys.name}: idle for ${cfg.idleSeconds} s`);
    const quiet = await idle(sys, cfg.idleSeconds);
    const seconds = { seconds: cfg.idleSeconds };
    add(figures, sys.name, 'idle_term_changes', quiet.termChanges, 'terms', seconds);
    add(figures, sys.name, 'idle_leader_changes', quiet.leaderChanges, 'leaders', seconds);
    progress(`${sys.name}: leader failover x${cfg.failovers}`);
    const times = await failover(sys, cfg.failovers);
    add(figures, sys.name, 'failover_median_s', median(times), 's', { reps: times.length });
    add(figures, sys.name, 'failover_max_s', Math.max(...times), 's', { reps: times.length });
  } catch (err) {
    print({ system: sys.name, error: describeError(err) });
  }
}

const running = new Set<Pick<RaftSystem, 'close'>>();

async function start<S extends Pick<RaftSystem, 'close'>>(what: string, fn: () => Promise<S>): Promise<S> {
  progress(`starting ${what}`);
  const sys = await fn();
  running.add(sys);
  return sys;
}

async function stop(sys: Pick<RaftSystem, 'close'>): Promise<void> {
  running.delete(sys);
  await sys.close();
}

// On Ctrl-C, stop what runs (our members also stop when this process ends).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...running].map((s) => s.close())).finally(() => process.exit(130));
  });
}

interface Systems {
  ours: FlotillaSystem;
  etcd?: EtcdSystem;
  floor: FloorSystem;
}

/** Ours, etcd (when it can run; else a line says why) and the floor, with files under `dir`. */
async function startSystems(dir: string, what: string): Promise<Systems> {
  const ours = await start(`${what}3 raft-member processes`, () => FlotillaSystem.start());
  const etcd = await start(`${what}3 etcd members`, () => EtcdSystem.start(join(dir, 'etcd'))).catch(
    (err: unknown) => {
      print({ system: 'etcd', unavailable: describeError(err) });
      return undefined;
    },
  );
  const floor = await start(`${what}the floor`, () => FloorSystem.start(join(dir, 'floor')));
  return { ours, etcd, floor };
}

/** `cfg.clientWarm` puts to throwaway systems, which warm this process's client code for each kind. */
async function warmClient(dir: string): Promise<void> {
  const { ours, etcd, floor } = await startSystems(dir, 'throwaway, to warm the client: ');
  const throwaway = etcd ? [ours, etcd, floor] : [ours, floor];
  try {
    for (const sys of throwaway) {
      progress(`warming this process's client code: ${cfg.clientWarm} puts to a throwaway ${sys.name}`);
      await warmPuts(sys, cfg.clientWarm);
    }
  } finally {
    for (const sys of throwaway) await stop(sys);
  }
}

const root = await mkdtemp(join(tmpdir(), 'flotilla-bench-raft-'));
try {
  progress(`mode ${mode}`);
  await warmClient(join(root, 'client-warm'));
  const { ours, etcd, floor } = await startSystems(join(root, 'measured'), '');
  const timed = etcd ? [ours, etcd, floor] : [ours, floor];
  for (const sys of timed) {
    // Round r times a system after r warm-ups and r - 1 measured blocks.
    const before = Array.from({ length: cfg.rounds }, (_, r) => (r + 1) * cfg.warm + r * cfg.puts);
    print({
      system: sys.name,
      fresh: true,
      client_warmed_by: `${cfg.clientWarm} puts to a throwaway ${sys.name}`,
      puts_before_timing_by_round: before,
    });
  }
  const figures = await latencies(timed);
  await stop(floor);
  await throughputs(etcd ? [ours, etcd] : [ours], figures);
  for (const sys of etcd ? [ours, etcd] : [ours]) {
    await measure(sys, figures.get(sys.name)!);
    await stop(sys);
  }
  const theirs = figures.get('etcd') ?? new Map<string, number>();
  for (const system of ['flotilla', 'floor']) {
    for (const [figure, value] of figures.get(system) ?? []) {
      const etcdValue = theirs.get(figure);
      if (etcdValue && !figure.startsWith('idle_')) {
        print({ figure, [`ratio_${system}_over_etcd`]: Number((value / etcdValue).toPrecision(3)) });
      }
    }
  }
} finally {
  await Promise.allSettled([...running].map((s) => stop(s)));
  await rm(root, { recursive: true, force: true });
}
