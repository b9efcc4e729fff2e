/**
 * Resident memory of the node daemon by role and load, with dockerd's and containerd's beside
 * it, and by part. One JSON line per figure; progress goes to stderr.
 *
 *   npm run bench:memory [-- --quick] [-- --no-swarm]
 *
 * By role and load: a local cluster of real daemons on the process runtime (tasks are `host`
 * sleepers): a manager (drained, so it runs no tasks) and three workers. A worker's daemon
 * idle and with 100 tasks; the manager idle and holding 100 services and about 1,000 tasks
 * (the others run on the two other workers); with how long the tasks took to run and the CPU
 * the daemons used meanwhile. Each figure is the median of samples taken a second apart once
 * the node has settled: RSS from /proc (and its anonymous and file-backed parts: the latter
 * are the pages of Node's executable and libraries, shared with other processes that map
 * them), V8's heap used, external and array-buffer memory from the node's metrics endpoint.
 *
 * The floor: a fresh Node process (memory-floor.ts) with pino, a gRPC server with mutual TLS
 * and a client calling it, nothing of Flotilla's: what Node and gRPC over TLS hold by
 * themselves, under any daemon built on them.
 *
 * By part: a fresh Node process (memory-parts.ts, with the daemon's V8 flags) loads the
 * daemon's parts one after another and starts the mesh's thread, collecting garbage and
 * sampling after each; a part's figure is what it added to the parts before it (code shared
 * with an earlier part counts there). That is each part's cost in loaded code and start-up
 * state; what a part holds for its tasks and services shows in the by-load figures.
 *
 * Docker Swarm with the shared peer kit: its dockerd (a swarm of one, manager and worker in one
 * process) and containerd idle, then with 100 busybox sleeper containers (the containers' shims
 * are processes of their own, counted apart).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import { daemonV8Flags } from '../cli/daemon-v8.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import { writeTestCerts } from '../test/fixtures/tls.js';
import { runCli, type LocalCluster } from '../test/integration/cluster-harness.js';
import { until } from './containerd-node.js';
import { cpuSeconds, median, progress, round } from './stats.js';
import { createSleepers, SWARM_KIT, withSwarmPeer } from './swarm-peer.js';
import { withCluster } from './with-cluster.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const SAMPLES = quick ? 3 : 5;
const SETTLE_MS = quick ? 3_000 : 10_000;
const MiB = 1024 * 1024;

// The daemons' V8 flags (cli/daemon-v8.ts): a run with FLOTILLA_DAEMON_V8_FLAGS="" shows V8's defaults.
const v8FlagsLabel = process.env.FLOTILLA_DAEMON_V8_FLAGS ?? 'default';

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'memory', ...line, mode, daemon_v8_flags: v8FlagsLabel }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's resident set, from /proc: all of it, and its anonymous and file-backed parts. */
function residentOf(pid: number): { rss: number; rssAnon: number; rssFile: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
}

interface Sample {
  rss: number;
  /** Memory of the process's own: what it costs beyond the pages of its executable and libraries, which other processes running the same share. */
  rssAnon: number;
  rssFile: number;
  heapUsed?: number;
  external?: number;
  arrayBuffers?: number;
}

/** The value of an unlabelled metric in a scrape's text. */
function metric(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Samples a node's daemon (RSS from /proc, V8's figures from its metrics endpoint). */
async function sampleNode(pid: number, metricsAddr: string): Promise<Sample> {
  const text = await fetch(`http://${metricsAddr}/metrics`).then((r) => r.text());
  return {
    ...residentOf(pid),
    heapUsed: metric(text, 'flotilla_nodejs_heap_size_used_bytes'),
    external: metric(text, 'flotilla_nodejs_external_memory_bytes'),
    arrayBuffers: metric(text, 'flotilla_nodejs_array_buffers_bytes'),
  };
}

/** Prints the medians of the samples (their kinds, in MiB) with `labels`. */
function report(labels: Record<string, unknown>, samples: Sample[]): void {
  const figures: Record<string, number[]> = {};
  for (const s of samples) {
    for (const [k, v] of Object.entries(s)) if (v !== undefined) (figures[k] ??= []).push(v);
  }
  for (const [kind, values] of Object.entries(figures)) {
    print({
      figure: `${kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_mib`,
      ...labels,
      value: round(median(values) / MiB),
      unit: 'MiB',
      samples: values.map((v) => round(v / MiB)),
    });
  }
}

/** Waits for the process to settle, then reports SAMPLES samples a second apart. */
async function measure(labels: Record<string, unknown>, sample: () => Promise<Sample>): Promise<void> {
  await sleep(SETTLE_MS);
  const samples: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(1_000);
    samples.push(await sample());
  }
  report(labels, samples);
}

/** The same, blocking: the Swarm peer kit's runs are synchronous. */
function measureBlocking(labels: Record<string, unknown>, pid: number): void {
  const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  block(SETTLE_MS);
  const samples: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) block(1_000);
    samples.push(residentOf(pid));
  }
  report(labels, samples);
}

/** What `cluster service create --replicas N [--constraint C] host sleep 100000` sends. */
const sleepers = (name: string, replicas: number, constraint: string) =>
  specFromFlags('host', ['sleep', '100000'], {
    ...CREATE_DEFAULTS,
    name,
    replicas: String(replicas),
    constraint: [constraint],
  });

async function runningOn(c: ControlClient, node: string, n: number): Promise<boolean> {
  const { tasks } = await call(c, c.ListTasks, { services: [], nodes: [node] });
  return tasks.filter((t) => t.status?.state === 'RUNNING' && t.desiredState === 'RUNNING').length >= n;
}

/**
 * Runs `step`, then prints how long it took and the CPU seconds each daemon of `daemons` used
 * meanwhile: what the daemons' settings cost in speed.
 */
async function timed(
  figure: string,
  daemons: Record<string, number>,
  step: () => Promise<void>,
): Promise<void> {
  const cpuBefore = Object.values(daemons).map(cpuSeconds);
  const t0 = performance.now();
  await step();
  print({
    figure: `${figure}_s`,
    value: round((performance.now() - t0) / 1000),
    unit: 's',
    system: 'flotilla',
  });
  Object.entries(daemons).forEach(([role, pid], i) =>
    print({
      figure: `${figure}_cpu_s`,
      role,
      value: round(cpuSeconds(pid) - cpuBefore[i]!),
      unit: 's',
      system: 'flotilla',
    }),
  );
}

async function byRoleAndLoad(cluster: LocalCluster): Promise<void> {
  const noRuntime = ['--containerd-socket', ''];
  // Heartbeats every 5 s: on a busy machine, a worker starting hundreds of tasks may miss 1 s ones.
  const init = await cluster.init('m1', ...noRuntime, '--dispatcher-heartbeat', '5s');
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const token = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  for (const w of ['w1', 'w2', 'w3']) {
    const joined = await cluster.join(w, 'm1', token.stdout.trim(), ...noRuntime);
    if (joined.code !== 0) throw new Error(`join of ${w} failed: ${joined.stderr}`);
  }
  const drained = await cluster.cli('m1', 'node', 'update', '--availability', 'drain', 'm1');
  if (drained.code !== 0) throw new Error(`drain failed: ${drained.stderr}`);
  // Each node serves its metrics on its own loopback address at the default port.
  const node = async (name: string) => {
    const pid = await cluster.daemonPid(name);
    const host = cluster.addr(name).replace(/:\d+$/, '');
    return () => sampleNode(pid, `${host}:9323`);
  };
  const m1 = await node('m1');
  const w1 = await node('w1');
  const c = connect(wire.flotilla.Control, cluster.addr('m1'), cluster.adminTls());
  try {
    progress('idle: the worker and the manager');
    await measure({ role: 'worker', tasks: 0, system: 'flotilla' }, w1);
    await measure({ role: 'manager', services: 0, tasks: 0, system: 'flotilla' }, m1);

    progress('a worker with 100 tasks');
    const pids = { manager: await cluster.daemonPid('m1'), worker: await cluster.daemonPid('w1') };
    await timed('create_100_until_running', pids, async () => {
      await call(c, c.CreateService, { spec: sleepers('on-w1', 100, 'node.hostname==w1') });
      await until('100 running on w1', () => runningOn(c, 'w1', 100));
    });
    await measure({ role: 'worker', tasks: 100, system: 'flotilla' }, w1);

    const services = quick ? 20 : 100;
    const perService = 10;
    progress(`a manager with ${services} services (${(services - 1) * perService + 100} tasks)`);
    // On w2 and w3, ten services at a time.
    const others = (services - 1) * perService;
    const daemons = {
      manager: pids.manager,
      worker: await cluster.daemonPid('w2'),
      worker_w3: await cluster.daemonPid('w3'),
    };
    await timed(`create_${services - 1}_services_until_running`, daemons, async () => {
      for (let i = 1; i < services; i++) {
        await call(c, c.CreateService, { spec: sleepers(`s${i}`, perService, 'node.hostname!=w1') });
        if (i % 10 === 0 || i === services - 1) {
          await until(`${i * perService} running on w2 and w3`, async () => {
            const { tasks } = await call(c, c.ListTasks, { services: [], nodes: ['w2', 'w3'] });
            return tasks.filter((t) => t.status?.state === 'RUNNING').length >= i * perService;
          });
        }
      }
    });
    await measure({ role: 'manager', services, tasks: others + 100, system: 'flotilla' }, m1);
    const w2 = await node('w2');
    const { tasks } = await call(c, c.ListTasks, { services: [], nodes: ['w2'] });
    await measure(
      {
        role: 'worker',
        tasks: tasks.filter((t) => t.status?.state === 'RUNNING').length,
        system: 'flotilla',
      },
      w2,
    );
  } finally {
    c.close();
  }
}

/** dockerd and containerd of the peer kit, idle and with 100 containers. */
function swarm(): void {
  const peer = withSwarmPeer((swarm) => {
    const state = readFileSync(`${SWARM_KIT}/.state`, 'utf8');
    const stateOf = (key: string) => new RegExp(`^${key}=(\\S+)$`, 'm').exec(state)?.[1] ?? '';
    const pidIn = (key: string) => Number(readFileSync(stateOf(key), 'utf8').trim());
    const daemons = { dockerd: pidIn('SWB_DPID_FILE'), containerd: pidIn('SWB_CPID_FILE') };
    const sampleAll = (containers: number) => {
      for (const [role, pid] of Object.entries(daemons)) {
        measureBlocking({ role, containers, system: 'swarm' }, pid);
      }
    };
    progress('swarm: idle');
    sampleAll(0);
    progress('swarm: 100 containers');
    createSleepers(swarm, 'bb', 100);
    swarm.poll('tasks', 'bb', '100');
    sampleAll(100);
    // The shims are processes of their own, re-parented away from containerd: found by the socket they were given.
    const socket = stateOf('SWB_CSOCK');
    const shims = execFileSync('pgrep', ['-f', `containerd-shim.*${socket}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    print({
      figure: 'rss_mib',
      role: 'containerd-shims',
      containers: 100,
      processes: shims.length,
      value: round(shims.reduce((sum, pid) => sum + residentOf(pid).rss, 0) / MiB),
      unit: 'MiB',
      system: 'swarm',
    });
  });
  if ('unavailable' in peer) print({ peer: 'swarm', unavailable: peer.unavailable });
}

/** memory-parts.ts, in a process of its own: nothing of this one's loaded modules is counted. */
function partsInFreshProcess(): void {
  const script = fileURLToPath(new URL('./memory-parts.js', import.meta.url));
  // With the daemon's V8 flags, as the daemon loads its parts.
  const run = spawnSync(process.execPath, [...daemonV8Flags('WORKER'), '--expose-gc', script], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the --parts run failed: ${run.stderr}`);
  for (const line of run.stdout.trim().split('\n')) {
    const p = JSON.parse(line) as Record<string, unknown>;
    print({ figure: 'loaded_by_part', ...p, unit: 'MiB', system: 'flotilla' });
  }
}

/**
 * memory-floor.ts in a fresh process (with the daemon's V8 flags): Node with pino and gRPC
 * over mutual TLS, none of Flotilla's code. What any daemon built so holds at least.
 */
async function floor(): Promise<void> {
  const certs = await mkdtemp(join(tmpdir(), 'flotilla-floor-'));
  try {
    await writeTestCerts(certs, 'worker', 'floor');
    const script = fileURLToPath(new URL('./memory-floor.js', import.meta.url));
    const args = [certs, String(SETTLE_MS), String(SAMPLES)];
    const run = spawnSync(process.execPath, [...daemonV8Flags('WORKER'), script, ...args], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`the floor run failed: ${run.stderr}`);
    const samples = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Sample);
    report({ role: 'floor: node with pino and grpc over tls', system: 'node' }, samples);
  } finally {
    await rm(certs, { recursive: true, force: true });
  }
}

progress('by part, in a fresh process');
partsInFreshProcess();
progress('the floor: node with gRPC over TLS alone');
await floor();
await withCluster({ distinctHosts: true }, byRoleAndLoad);
if (!process.argv.includes('--no-swarm')) {
  progress('Docker Swarm with the peer kit');
  swarm();
}
