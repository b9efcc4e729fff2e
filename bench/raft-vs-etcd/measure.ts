/** The measurements, the same for either system. Progress goes to stderr. */
import { performance } from 'node:perf_hooks';
import { cpuSeconds, percentile, progress } from '../stats.js';
import type { RaftSystem } from './system.js';

const VALUE = new Uint8Array(256).fill(0x61);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` unmeasured puts of 256 bytes through the leader, one at a time. */
export async function warmPuts(sys: Pick<RaftSystem, 'leader' | 'put'>, n: number): Promise<void> {
  const leader = await sys.leader();
  for (let i = 0; i < n; i++) await sys.put(leader, `seq/${i % 1000}`, VALUE, 10_000);
}

/**
 * Puts of 256 bytes through the leader, one in flight, after `warm` unmeasured ones; and the
 * CPU the members used meanwhile, per put (all three together).
 */
export async function commitLatency(
  sys: Pick<RaftSystem, 'leader' | 'put' | 'pids'>,
  n: number,
  warm: number,
): Promise<{ p50: number; p99: number; cpuMsPerPut: number }> {
  await warmPuts(sys, warm);
  const leader = await sys.leader();
  const pids = sys.pids();
  const cpuBefore = pids.map(cpuSeconds);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await sys.put(leader, `seq/${i % 1000}`, VALUE, 10_000);
    ms.push(performance.now() - start);
  }
  const cpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i]!, 0);
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), cpuMsPerPut: (cpu * 1000) / n };
}

/**
 * Puts/s through the leader with `inFlight` callers, each starting a put when its last ends;
 * and the CPU per put meanwhile of the members (all three together) and of this process's
 * client, which shares the machine's cores with them.
 */
export async function throughput(
  sys: RaftSystem,
  inFlight: number,
  seconds: number,
): Promise<{ putsPerSec: number; errors: number; cpuMsPerPut: number; clientCpuMsPerPut: number }> {
  const leader = await sys.leader();
  const pids = sys.pids();
  const run = async (ms: number) => {
    let ok = 0;
    let errors = 0;
    const cpuBefore = pids.map(cpuSeconds);
    const clientBefore = process.cpuUsage();
    const start = performance.now();
    const end = start + ms;
    const caller = async (c: number) => {
      for (let j = 0; performance.now() < end; j++) {
        try {
          await sys.put(leader, `thr/${c}/${j % 64}`, VALUE, 10_000);
          ok++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, (_, c) => caller(c)));
    const putsPerSec = ok / ((performance.now() - start) / 1000);
    const cpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i]!, 0);
    const client = process.cpuUsage(clientBefore);
    const perPut = (ms: number) => (ok > 0 ? ms / ok : NaN);
    return {
      putsPerSec,
      errors,
      cpuMsPerPut: perPut(cpu * 1000),
      clientCpuMsPerPut: perPut((client.user + client.system) / 1000),
    };
  };
  await run(1_000); // warm-up
  return run(seconds * 1000);
}

/**
 * Seconds from SIGKILL of the leader to the first put that succeeds through a survivor
 * (a put every 10 ms, alternating between the two, 2 s deadline each), once per rep. The
 * killed member is restarted and the cluster caught up before the next rep.
 */
export async function failover(sys: RaftSystem, reps: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let r = 1; r <= reps; r++) {
    await sys.waitHealthy();
    await sleep(1_000); // let heartbeats settle after the previous restart
    const leader = await sys.leader();
    const survivors = sys.ids.filter((id) => id !== leader);
    // Connect to the survivors before the clock starts.
    for (const id of survivors) await sys.put(id, 'failover/warm', VALUE, 5_000);

    const start = performance.now();
    const killed = sys.kill(leader);
    const first: { at?: number } = {};
    const attempts: Promise<void>[] = [];
    for (let k = 0; first.at === undefined && performance.now() - start < 30_000; k++) {
      const via = survivors[k % survivors.length]!;
      attempts.push(
        sys.put(via, `failover/${r}/${k}`, VALUE, 2_000).then(
          () => void (first.at ??= performance.now()),
          () => undefined,
        ),
      );
      await sleep(10);
    }
    await Promise.all(attempts);
    await killed;
    if (first.at === undefined) throw new Error(`no put succeeded within 30 s of killing member ${leader}`);
    seconds.push((first.at - start) / 1000);
    progress(
      `${sys.name} failover ${r}/${reps}: killed ${leader}, first put after ${seconds.at(-1)!.toFixed(3)} s`,
    );
    await sys.restart(leader);
  }
  await sys.waitHealthy();
  return seconds;
}

/** Polls every member's status while nothing is written; any election shows up as a new term. */
export async function idle(
  sys: RaftSystem,
  seconds: number,
): Promise<{ termChanges: number; leaderChanges: number }> {
  await sys.waitHealthy();
  const leaders = new Set<number>();
  const terms = new Set<number>();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (const id of sys.ids) {
      const s = await sys.status(id, 1_000).catch(() => undefined);
      if (s?.leader) leaders.add(s.leader);
      if (s) terms.add(s.term);
    }
    await sleep(250);
  }
  return {
    termChanges: Math.max(...terms) - Math.min(...terms),
    leaderChanges: Math.max(0, leaders.size - 1),
  };
}
