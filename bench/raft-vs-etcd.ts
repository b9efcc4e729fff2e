/**
 * Raft benchmark: our Raft (three raft-member processes, fsync on) against etcd (the shared
 * peer kit's 3-member cluster), one after the other in the same run, on loopback:
 * sequential commit latency (and the CPU the three members use per put meanwhile),
 * throughput at 64 and 256 in flight, leader failover, and elections while idle. Prints one JSON line per figure and one per flotilla/etcd ratio;
 * progress goes to stderr.
 *
 *   npm run build && node dist/bench/raft-vs-etcd.js [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdSystem } from './raft-vs-etcd/etcd.js';
import { FlotillaSystem } from './raft-vs-etcd/flotilla.js';
import { commitLatency, failover, idle, throughput } from './raft-vs-etcd/measure.js';
import { describeError } from '../lib/errors.js';
import { median, progress } from './stats.js';
import type { RaftSystem } from './raft-vs-etcd/system.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const cfg = quick
  ? { puts: 200, warm: 20, throughputSeconds: 2, failovers: 2, idleSeconds: 10 }
  : { puts: 2000, warm: 200, throughputSeconds: 10, failovers: 10, idleSeconds: 60 };

type Figures = Map<string, number>;

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'raft', ...line, mode }));
}

async function measure(sys: RaftSystem): Promise<Figures> {
  const figures: Figures = new Map();
  const add = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) => {
    figures.set(figure, value);
    print({ figure, system: sys.name, value: Number(value.toPrecision(4)), unit, ...extra });
  };
  try {
    progress(`${sys.name}: sequential commit latency (${cfg.puts} puts)`);
    const latency = await commitLatency(sys, cfg.puts, cfg.warm);
    add('commit_latency_p50_ms', latency.p50, 'ms', { puts: cfg.puts });
    add('commit_latency_p99_ms', latency.p99, 'ms', { puts: cfg.puts });
    add('members_cpu_ms_per_sequential_put', latency.cpuMsPerPut, 'ms', { puts: cfg.puts });
    for (const inFlight of [64, 256]) {
      progress(`${sys.name}: throughput, ${inFlight} in flight, ${cfg.throughputSeconds} s`);
      const t = await throughput(sys, inFlight, cfg.throughputSeconds);
      add(`throughput_${inFlight}_in_flight_puts_per_s`, t.putsPerSec, 'puts/s', { errors: t.errors });
    }
    progress(`${sys.name}: idle for ${cfg.idleSeconds} s`);
    const quiet = await idle(sys, cfg.idleSeconds);
    add('idle_term_changes', quiet.termChanges, 'terms', { seconds: cfg.idleSeconds });
    add('idle_leader_changes', quiet.leaderChanges, 'leaders', { seconds: cfg.idleSeconds });
    progress(`${sys.name}: leader failover x${cfg.failovers}`);
    const seconds = await failover(sys, cfg.failovers);
    add('failover_median_s', median(seconds), 's', { reps: seconds.length });
    add('failover_max_s', Math.max(...seconds), 's', { reps: seconds.length });
  } catch (err) {
    print({ system: sys.name, error: describeError(err) });
  }
  return figures;
}

let running: RaftSystem | undefined;

async function run(start: () => Promise<RaftSystem>): Promise<Figures> {
  running = await start();
  try {
    return await measure(running);
  } finally {
    await running.close();
    running = undefined;
  }
}

// On Ctrl-C, stop the cluster that runs (our members also stop when this process ends).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (running?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const root = await mkdtemp(join(tmpdir(), 'flotilla-bench-raft-'));
try {
  progress(`mode ${mode}; starting 3 raft-member processes`);
  const ours = await run(() => FlotillaSystem.start());
  progress('starting etcd with the peer kit');
  let etcd: Figures = new Map();
  try {
    etcd = await run(() => EtcdSystem.start(join(root, 'etcd-cluster-dir')));
  } catch (err) {
    print({ system: 'etcd', unavailable: describeError(err) });
  }
  for (const [figure, value] of ours) {
    const theirs = etcd.get(figure);
    if (theirs && !figure.startsWith('idle_')) {
      print({ figure, ratio_flotilla_over_etcd: Number((value / theirs).toPrecision(3)) });
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
