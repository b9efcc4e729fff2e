/**
 * Scale benchmark, first steps: real manager daemons (1, then 3; process runtime, data dirs
 * under a temp dir) and `cluster sim-workers` nodes (100, then 1,000, ...) in a process of
 * their own; then services adding up to 10 replicas per node, of an image only the simulated
 * runtime "runs". Each step is a fresh cluster. One JSON line per figure; progress on stderr.
 *
 *   npm run bench:scale [-- --managers 1,3] [-- --nodes 100,1000] [-- --idle-s 10] [-- --heartbeat-s 5]
 *                       [-- --join-concurrency 32] [-- --joins-only]
 *                       [-- --replicas-per-node 10]
 *
 * Figures of a step: joins per second (and each join's CPU in the leader and the workers),
 * then how long the nodes took to be ready; the leader's CPU while
 * they only heartbeat, per 1,000 nodes; time until every replica runs, and replicas running
 * per second (placements committed, bounded by the rest of the path); the latency of
 * `service ls` and `node ls` (ListServices, ListNodes) through the leader while that runs;
 * then each manager's resident memory and the leader's V8 heap, Raft log and snapshot bytes,
 * and the simulated workers' own memory. Then, at full size: how long a manager joining late
 * takes to hold the state (by the leader's snapshot when it has one), how long the group takes
 * to answer a write again after its leader is killed (3 managers), and how long the leader
 * takes to mark every node down once the simulated workers are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import { paths } from '../daemon/data-dir.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { newId } from '../lib/ids.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import { allNodes } from '../cli/pages.js';
import { eventually, freePort, type LocalCluster } from '../test/integration/cluster-harness.js';
import { cpuSeconds, percentile, progress, round } from './stats.js';
import { withCluster } from './with-cluster.js';

const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function listArg(flag: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : (process.argv[i + 1] ?? '').split(',').map(Number);
}
const MANAGERS = listArg('--managers', [1, 3]);
const NODES = listArg('--nodes', [100, 1_000]);
const IDLE_S = listArg('--idle-s', [10])[0]!;
/** The cluster's heartbeat period in seconds (`init --dispatcher-heartbeat`); default init's. */
const HEARTBEAT_S = listArg('--heartbeat-s', [])[0];
/** Sessions the simulated workers open per second (`sim-workers --session-rate`). */
const SESSION_RATE = listArg('--session-rate', [50])[0]!;
/** Joins the simulated workers make at once (`sim-workers --join-concurrency`). */
const JOIN_CONCURRENCY = listArg('--join-concurrency', [32])[0]!;
/** Only the join figures: each step ends once its nodes have joined. */
const JOINS_ONLY = process.argv.includes('--joins-only');
/** Replicas per node the services add up to (the steps are 100: 1k nodes, 100k tasks). */
const REPLICAS_PER_NODE = listArg('--replicas-per-node', [10])[0]!;
const SERVICES = 10;
const STEP_TIMEOUT_MS = 15 * 60_000;

/** Each line says how busy the machine was (the 1-minute load average): others' work slows every figure but the CPU ones. */
function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'scale', ...line, load1: round(loadavg()[0]!) }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The values of unlabelled metrics in a scrape of a node's metrics endpoint. */
async function scrape(addr: string): Promise<Record<string, number>> {
  const text = await fetch(`http://${addr}/metrics`).then((r) => r.text());
  const values: Record<string, number> = {};
  for (const m of text.matchAll(/^(flotilla_[a-z_]+) (\S+)$/gm)) values[m[1]!] = Number(m[2]);
  return values;
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
const MiB = (bytes: number) => round(bytes / 1024 / 1024);

/** Latencies of calls made one after another, every `gapMs`, until stopped. */
class Sampler {
  readonly ms = new Map<string, number[]>();
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(calls: Record<string, () => Promise<unknown>>, gapMs: number) {
    this.done = (async () => {
      while (!this.stopped) {
        for (const [name, fn] of Object.entries(calls)) {
          const t = performance.now();
          const ok = await fn().then(
            () => true,
            () => false,
          );
          if (ok) (this.ms.get(name) ?? this.ms.set(name, []).get(name)!).push(performance.now() - t);
        }
        await sleep(gapMs);
      }
    })();
  }

  async stop(): Promise<Map<string, number[]>> {
    this.stopped = true;
    await this.done;
    return this.ms;
  }
}

async function step(c: LocalCluster, managers: number, nodes: number): Promise<void> {
  const labels = { managers, nodes, heartbeat_s: HEARTBEAT_S ?? 1 };
  const metricsAt = new Map<string, string>();
  for (let i = 1; i <= managers; i++) metricsAt.set(`m${i}`, `127.0.0.1:${await freePort()}`);
  // The default container pool has a /24 for each of 16,384 nodes.
  const init = await c.init(
    'm1',
    '--metrics-addr',
    metricsAt.get('m1')!,
    ...(HEARTBEAT_S ? ['--dispatcher-heartbeat', `${HEARTBEAT_S}s`] : []),
  );
  if (init.code !== 0) throw new Error(`init: ${init.stderr}`);
  const client: ControlClient = connect(wire.flotilla.Control, c.addr('m1'), c.adminTls());
  if (managers > 1) {
    const token = (await c.cli('m1', 'join-token', 'manager', '-q')).stdout.trim();
    for (let i = 2; i <= managers; i++) {
      const res = await c.join(`m${i}`, 'm1', token, '--metrics-addr', metricsAt.get(`m${i}`)!);
      if (res.code !== 0) throw new Error(`join m${i}: ${res.stderr}`);
      await eventually(`m${i} reachable`, async () => {
        const { nodes: all } = await call(client, client.ListNodes, {});
        return all.some(
          (n) => n.description?.hostname === `m${i}` && n.managerStatus?.reachability === 'REACHABLE',
        );
      });
    }
  }
  const token = (await c.cli('m1', 'join-token', 'worker', '-q')).stdout.trim();
  const leaderPid = await c.daemonPid('m1');
  const simLogFile = join(c.root, 'sim-workers.log');
  const simLog = openSync(simLogFile, 'a');
  const started = performance.now();
  const leaderCpu0 = cpuSeconds(leaderPid);
  const sim = spawn(
    process.execPath,
    [cli, 'sim-workers', '--count', String(nodes), '--manager', c.addr('m1'), '--token', token].concat([
      '--state-dir',
      join(c.root, 'sim'),
      '--join-concurrency',
      String(JOIN_CONCURRENCY),
      '--session-rate',
      String(SESSION_RATE),
    ]),
    { stdio: ['ignore', 'pipe', simLog] },
  );
  closeSync(simLog);
  const joined = joinedAfter(sim, started, simLogFile);
  // Ctrl-C ends the benchmark through process.exit() (withCluster): the workers go with it.
  const killSim = () => sim.kill('SIGKILL');
  let churnLogBytes: number | undefined;
  process.once('exit', killSim);
  try {
    // The workers say how many they joined once every join is done, before any session opens.
    const joinMs = await joined;
    const simJoinCpu = cpuSeconds(sim.pid);
    print({
      figure: 'joins_per_s',
      ...labels,
      value: round(nodes / (joinMs / 1000)),
      unit: '/s',
      join_s: round(joinMs / 1000),
      join_concurrency: JOIN_CONCURRENCY,
      // CPU per join, the TLS handshake of each join included; the workers' start is in theirs.
      leader_cpu_ms_per_join: round(((cpuSeconds(leaderPid) - leaderCpu0) * 1000) / nodes),
      sim_cpu_ms_per_join: round((simJoinCpu * 1000) / nodes),
    });
    if (JOINS_ONLY) return;
    const readyAfter = await eventually(
      `${nodes} simulated nodes ready`,
      async () => {
        const all = await allNodes(client, 30_000);
        const ready = all.filter((n) => n.role === 'WORKER' && n.status?.state === 'READY').length;
        progress(`${ready}/${nodes} nodes ready`);
        await sleep(1_000);
        return ready === nodes && performance.now() - started;
      },
      STEP_TIMEOUT_MS,
    );
    print({ figure: 'nodes_ready_s', ...labels, value: round(readyAfter / 1000), unit: 's' });

    // Heartbeats only: what the leader spends per 1,000 nodes.
    const cpu0 = { leader: cpuSeconds(leaderPid), sim: cpuSeconds(sim.pid) };
    await sleep(IDLE_S * 1000);
    const perCore = (pid: number | undefined, before: number) => (cpuSeconds(pid) - before) / IDLE_S;
    print({
      figure: 'heartbeat_cpu_per_1000_nodes',
      ...labels,
      value: round((perCore(leaderPid, cpu0.leader) * 1000) / nodes),
      unit: 'cores (leader)',
      sim_workers: round((perCore(sim.pid, cpu0.sim) * 1000) / nodes),
    });

    const sampler = new Sampler(
      {
        service_ls: () => call(client, client.ListServices, {}, 30_000),
        // A page of rows, as every listing reads them (`node ls` pages through the rest).
        node_ls: () => call(client, client.ListNodes, { limit: 1_000, pageToken: '' }, 30_000),
      },
      200,
    );
    const replicas = nodes * REPLICAS_PER_NODE;
    const t0 = performance.now();
    const creates: number[] = [];
    for (let s = 0; s < SERVICES; s++) {
      const spec = specFromFlags('sim-image', [], {
        ...CREATE_DEFAULTS,
        name: `scale${s}`,
        replicas: String(replicas / SERVICES),
      });
      const t = performance.now();
      await call(client, client.CreateService, { spec }, 60_000);
      creates.push(performance.now() - t);
    }
    const runningAfter = await eventually(
      `${replicas} replicas running`,
      async () => {
        const { services } = await call(client, client.ListServices, {}, 30_000);
        const running = services.reduce((n, s) => n + s.runningTasks, 0);
        progress(`${running}/${replicas} running`);
        await sleep(1_000);
        return running >= replicas && performance.now() - t0;
      },
      STEP_TIMEOUT_MS,
    );
    const api = await sampler.stop();
    print({ figure: 'all_running_s', ...labels, replicas, value: round(runningAfter / 1000), unit: 's' });
    // Placed, started and reported running, per second: placements committed, bounded by the
    // rest of the path. The leader's placement metric counts attempts (in write functions that
    // may be retried), so it is not used as the count.
    print({
      figure: 'running_per_s',
      ...labels,
      replicas,
      value: round(replicas / (runningAfter / 1000)),
      unit: '/s',
    });
    for (const [name, ms] of [...api, ['service_create', creates] as const]) {
      const sorted = [...ms].sort((a, b) => a - b);
      print({
        figure: `api_${name}_ms`,
        ...labels,
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        calls: sorted.length,
      });
    }
    for (const [name, addr] of metricsAt) {
      const m = await scrape(addr);
      print({
        figure: 'manager_memory_mib',
        ...labels,
        manager: name,
        rss: MiB(m.flotilla_process_resident_memory_bytes ?? NaN),
        heap_used: MiB(m.flotilla_nodejs_heap_size_used_bytes ?? NaN),
        // Where the rest of the resident memory is: V8's heap as committed, and memory outside it.
        heap_total: MiB(m.flotilla_nodejs_heap_size_total_bytes ?? NaN),
        external: MiB(m.flotilla_nodejs_external_memory_bytes ?? NaN),
        array_buffers: MiB(m.flotilla_nodejs_array_buffers_bytes ?? NaN),
        raft_log: MiB(m.flotilla_store_wal_bytes ?? NaN),
        raft_snapshot: MiB(m.flotilla_store_snapshot_bytes ?? NaN),
      });
    }
    print({
      figure: 'sim_workers_rss_mib',
      ...labels,
      value: MiB(rssOf(sim.pid!)),
      per_node_kib: round(rssOf(sim.pid!) / 1024 / nodes),
    });
    // The churn figure below counts what the run itself caused, not what follows.
    churnLogBytes = statSync(paths(c.dataDir('m1')).log).size;
    // A stable group sees its first leader only: every change after it cost a failover mid-run.
    const changes = (await scrape(metricsAt.get('m1')!)).flotilla_raft_leader_changes_total ?? NaN;
    print({ figure: 'leader_changes_during_run', ...labels, value: changes - 1 });
    // The failover among the first managers (an odd group), then a manager joining late
    // through one that still runs.
    const { serving, via } =
      managers > 1 ? await failover(c, metricsAt, labels) : { serving: client, via: 'm1' };
    await lateManager(c, managers, via, metricsAt, labels);
    const down0 = performance.now();
    killSim();
    const downAfter = await eventually(
      `${nodes} nodes marked down`,
      async () => {
        const all = await allNodes(serving, 30_000);
        const down = all.filter((n) => n.role === 'WORKER' && n.status?.state === 'DOWN').length;
        progress(`${down}/${nodes} nodes marked down`);
        await sleep(250);
        // A join retried after an election may have left a node that never came up: at least all.
        return down >= nodes && performance.now() - down0;
      },
      STEP_TIMEOUT_MS,
    );
    print({ figure: 'node_loss_detected_s', ...labels, value: round(downAfter / 1000), unit: 's' });
    if (serving !== client) serving.close();
  } finally {
    killSim();
    process.off('exit', killSim);
    client.close();
    // How often the leader gave up on a node for missed heartbeats: the churn behind most slow figures.
    const log = readFileSync(paths(c.dataDir('m1')).log)
      .subarray(0, churnLogBytes)
      .toString();
    print({
      figure: 'nodes_marked_down',
      ...labels,
      value: log.split('node missed its heartbeats').length - 1,
    });
  }
}

/**
 * A manager joining once the cluster is at full size: from its join until its applied index
 * reaches the leader's commit index of that moment, and whether the leader's snapshot carried it.
 */
async function lateManager(
  c: LocalCluster,
  managers: number,
  via: string,
  metricsAt: Map<string, string>,
  labels: Record<string, number>,
): Promise<void> {
  const name = `m${managers + 1}`;
  const metrics = `127.0.0.1:${await freePort()}`;
  const target = (await scrape(metricsAt.get(via)!)).flotilla_raft_commit_index ?? NaN;
  const token = (await c.cli(via, 'join-token', 'manager', '-q')).stdout.trim();
  const t = performance.now();
  const res = await c.join(name, via, token, '--metrics-addr', metrics);
  if (res.code !== 0) throw new Error(`join ${name}: ${res.stderr}`);
  const caughtUp = await eventually(
    `${name} holding the state`,
    async () => {
      const applied = (await scrape(metrics).catch(() => ({}) as Record<string, number>))
        .flotilla_raft_applied_index;
      return applied !== undefined && applied >= target && performance.now() - t;
    },
    STEP_TIMEOUT_MS,
  );
  const log = readFileSync(paths(c.dataDir(name)).log, 'utf8');
  print({
    figure: 'late_manager_caught_up_s',
    ...labels,
    value: round(caughtUp / 1000),
    unit: 's',
    entries: target,
    by_snapshot: log.includes('snapshot from the leader installed'),
  });
}

/**
 * Kills the leader and times until another manager answers a write: a service of no replicas
 * created through another of the first managers, retried until the group has a leader again;
 * and, apart, until a manager took the role. Returns that manager's client and name.
 */
async function failover(
  c: LocalCluster,
  metricsAt: Map<string, string>,
  labels: Record<string, number>,
): Promise<{ serving: ControlClient; via: string }> {
  const names = [...metricsAt.keys()];
  let leader: string | undefined;
  for (const name of names)
    if ((await scrape(metricsAt.get(name)!)).flotilla_raft_is_leader === 1) leader = name;
  if (!leader) throw new Error('no manager leads: cannot time a failover');
  const other = names.find((n) => n !== leader)!;
  const next: ControlClient = connect(wire.flotilla.Control, c.addr(other), c.adminTls());
  const spec = specFromFlags('sim-image', [], { ...CREATE_DEFAULTS, name: 'after-failover', replicas: '0' });
  const pid = await c.daemonPid(leader);
  const t = performance.now();
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  // Retried often: the figure is meant to be read in tens of milliseconds.
  for (;;) {
    const ok = await call(next, next.CreateService, { spec }, 2_000).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (performance.now() - t > STEP_TIMEOUT_MS)
      throw new Error('no write answered after the leader was killed');
    await sleep(20);
  }
  const answered = performance.now() - t;
  // When a manager took the role, from its log (a scrape is slower than the write it times).
  const elected = names
    .filter((n) => n !== leader)
    .flatMap((n) => readFileSync(paths(c.dataDir(n)).log, 'utf8').split('\n'))
    .filter((line) => line.includes('"role":"leader"'))
    .map((line) => (JSON.parse(line) as { time: number }).time)
    .filter((time) => time >= killedAt)
    .sort((a, b) => a - b)[0];
  print({
    figure: 'failover_s',
    ...labels,
    value: round(answered / 1000),
    unit: 's',
    elected_s: round(((elected ?? NaN) - killedAt) / 1000),
  });
  return { serving: next, via: other };
}

/**
 * When `sim-workers` says (on stdout) that its nodes have joined, in ms from `started`; if it
 * ends first, the error carries the end of its log.
 */
function joinedAfter(sim: ChildProcess, started: number, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let joined = false;
    sim.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!joined && /joined now/.test(out)) {
        joined = true;
        resolve(performance.now() - started);
      }
    });
    sim.once('exit', (code) => {
      // Killed at the end of the step, its log already gone with the cluster.
      if (joined) return;
      const said = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      reject(new Error(`sim-workers ended (${code}) before its nodes joined; its log ends:\n${said}`));
    });
  });
}

/**
 * What one heartbeat's answer costs as the cluster grows, in this process (no cluster), in the
 * three forms a node gets: the whole overlay set (its first answer, or after a mismatch), the
 * changes since the set it holds (one node joined), and none (a node with no overlay to feed:
 * no bridge, or a simulated one). Only the whole set grows with the number of nodes.
 */
function heartbeatAnswer(nodes: number): void {
  const method = wire.flotilla.Dispatcher.service.Beats;
  const peer = (i: number) => ({
    nodeId: newId(),
    subnet: `10.${i >> 8}.${i & 255}.0/24`,
    addr: `127.200.${i >> 8}.${i & 255}`,
  });
  const base = {
    periodMs: 1000,
    role: 'WORKER' as const,
    raftId: 0,
    raftMembers: [{ id: 1, address: '127.0.0.1:4240' }],
    trustDigest: 'f'.repeat(64),
    overlayDigest: 'e'.repeat(64),
  };
  const forms = {
    whole_set: { ...base, overlayPeers: Array.from({ length: nodes }, (_, i) => peer(i)) },
    changes_only: { ...base, overlayChangesOnly: true, overlayPeers: [peer(nodes)] },
    no_overlay: { ...base, overlayDigest: '' },
  };
  for (const [form, answer] of Object.entries(forms)) {
    const reps = Math.max(20, Math.floor(200_000 / (form === 'whole_set' ? nodes : 1)));
    let bytes = method.responseSerialize(answer);
    let t = performance.now();
    for (let i = 0; i < reps; i++) bytes = method.responseSerialize(answer);
    const encodeMs = (performance.now() - t) / reps;
    t = performance.now();
    for (let i = 0; i < reps; i++) method.responseDeserialize(bytes);
    const decodeMs = (performance.now() - t) / reps;
    print({
      figure: 'heartbeat_answer',
      form,
      nodes,
      bytes: bytes.length,
      encode_ms: round(encodeMs),
      decode_ms: round(decodeMs),
      // Were every node to get this form at one heartbeat a second: the leader's cores for encoding alone.
      leader_encode_cores_at_1s: round((encodeMs * nodes) / 1000),
    });
  }
}

if (!JOINS_ONLY) for (const nodes of [...new Set([...NODES, 10_000])]) heartbeatAnswer(nodes);

for (const managers of MANAGERS) {
  for (const nodes of NODES) {
    progress(`${managers} manager(s), ${nodes} simulated nodes`);
    await withCluster({}, (c) => step(c, managers, nodes)).catch((err: unknown) => {
      // What breaks as it grows is the finding: say it and go on with the next step.
      print({ figure: 'failed', managers, nodes, error: String(err) });
    });
  }
}
