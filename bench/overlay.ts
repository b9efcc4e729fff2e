/**
 * Multi-host benchmark on a lab (hosts that are network namespaces, `cluster lab`):
 * container-to-container throughput and round-trip latency across the overlay, against the
 * same hosts talking over their own network (the path the overlay rides on), the two taking
 * turns over rounds: first with the hosts' links as fast as the machine's CPUs carry them,
 * then shaped to 10 and 1 Gbit/s (tbf on each host's interface) as a LAN's links are; then
 * the time from a host's death (every process of it killed) to its tasks running elsewhere,
 * with the default heartbeat and a tuned one, and Docker Swarm's on
 * two hosts of its own when dockerd is installed (`overlay/swarm-node-loss.ts`). Prints one
 * JSON line per figure; progress goes to stderr. Needs root, ip, nsenter, nft and containerd.
 *
 *   npm run bench:overlay [-- --quick] [-- --only paths|node-loss]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { killHost } from '../cli/lab/hosts.js';
import { paths } from '../daemon/data-dir.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import { eventually } from '../test/integration/cluster-harness.js';
import { testImages } from '../test/integration/containerd-harness.js';
import { TestLab } from '../test/lab/lab-kit.js';
import { median, progress, round } from './stats.js';
import { SWARM_HEARTBEAT, swarmNodeLoss, swarmNodeLossMissing } from './overlay/swarm-node-loss.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const cfg = quick
  ? { mib: 256, pings: 500, rounds: 1, deaths: 2 }
  : { mib: 1024, pings: 2000, rounds: 5, deaths: 5 };
const swarmDeaths = quick ? 2 : 3;
const PARTS = ['paths', 'node-loss'];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && !PARTS.includes(only)) {
  console.error(`--only takes one of: ${PARTS.join(', ')}`);
  process.exit(2);
}
const peer = fileURLToPath(new URL('./overlay/peer.js', import.meta.url));
const PORT = 9000;

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'overlay', ...line, mode }));
}

/** `node peer.js ARGS` inside the network namespace at `netns`. */
function inNetns(netns: string, ...args: string[]): ChildProcess {
  return spawn('nsenter', [`--net=${netns}`, process.execPath, peer, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function output(child: ChildProcess): Promise<string> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`peer exited ${code}: ${out}`);
  return out;
}

async function serving(netns: string): Promise<ChildProcess> {
  const server = inNetns(netns, 'serve', String(PORT));
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return server;
}

/** A path to measure: a client's network namespace, and where the server is. */
interface Path {
  name: 'overlay' | 'host_network';
  client: string;
  server: string;
  addr: string;
}

async function containerPaths(lab: TestLab): Promise<{ paths: Path[]; servers: ChildProcess[] }> {
  const hosts = (await lab.state())!.hosts;
  const netnsOf = async (service: string, host: string) => {
    const [task] = await eventually(`${service} running`, async () => {
      const tasks = await lab.running(service);
      return tasks.length === 1 && tasks;
    });
    const dataDir = hosts.find((h) => h.name === host)!.dataDir;
    return join(dataDir, 'runtime', 'containerd', 'network', 'netns', task!.status!.container!.containerId);
  };
  for (const [name, host] of [
    ['srv', 'w2'],
    ['cli', 'w1'],
  ]) {
    await lab.createService(
      name!,
      '--constraint',
      `node.hostname==${host}`,
      'flotilla/busybox',
      'sleep',
      '1000000',
    );
  }
  const srv = await netnsOf('srv', 'w2');
  const cli = await netnsOf('cli', 'w1');
  const ip = spawn('nsenter', [`--net=${srv}`, 'ip', '-4', '-o', 'addr', 'show', 'eth0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const srvAddr = /inet (\S+)\//.exec(await output(ip))![1]!;
  const w1 = hosts.find((h) => h.name === 'w1')!;
  const w2 = hosts.find((h) => h.name === 'w2')!;
  const hostNs = (netns: string) => `/var/run/netns/${netns}`;
  const servers = [await serving(srv), await serving(hostNs(w2.netns))];
  return {
    paths: [
      { name: 'overlay', client: cli, server: srv, addr: srvAddr },
      { name: 'host_network', client: hostNs(w1.netns), server: hostNs(w2.netns), addr: w2.address },
    ],
    servers,
  };
}

/** Each lab host's link limited to `rate` (tbf on its eth0), or not limited (undefined). */
async function shapeLinks(lab: TestLab, rate: string | undefined): Promise<void> {
  for (const host of (await lab.state())!.hosts) {
    const tc = ['--net=/var/run/netns/' + host.netns, 'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root'];
    // A burst above the largest GSO packet (64 KiB), so that tbf never splits one.
    const args = rate
      ? [...tc, 'tbf', 'rate', rate, 'burst', '256kb', 'latency', '50ms']
      : [...tc, 'pfifo_fast'];
    await output(spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'inherit'] }));
  }
}

/** The links measured: as fast as the CPUs go, then as a LAN's (10 and 1 Gbit/s). */
const LINKS = [undefined, '10gbit', '1gbit'];

async function measurePaths(lab: TestLab): Promise<void> {
  const { paths, servers } = await containerPaths(lab);
  try {
    for (const link of LINKS) {
      await shapeLinks(lab, link);
      await measureLink(paths, link ?? 'unshaped');
    }
  } finally {
    for (const s of servers) s.kill();
  }
}

async function measureLink(paths: Path[], link: string): Promise<void> {
  const results = new Map(
    paths.map((p) => [p.name, { mbit: [] as number[], p50: [] as number[], p99: [] as number[] }]),
  );
  for (let r = 1; r <= cfg.rounds; r++) {
    for (const p of paths) {
      progress(
        `${p.name}, link ${link}: round ${r} of ${cfg.rounds}: ${cfg.mib} MiB, then ${cfg.pings} round trips`,
      );
      const t = JSON.parse(
        await output(inNetns(p.client, 'throughput', p.addr, String(PORT), String(cfg.mib))),
      );
      const l = JSON.parse(
        await output(inNetns(p.client, 'latency', p.addr, String(PORT), String(cfg.pings))),
      );
      const acc = results.get(p.name)!;
      acc.mbit.push(t.mbitPerS);
      acc.p50.push(l.p50Ms);
      acc.p99.push(l.p99Ms);
    }
  }
  for (const [system, acc] of results) {
    const extra = { system, link, rounds: cfg.rounds };
    print({
      figure: 'tcp_throughput_mbit_per_s',
      value: round(median(acc.mbit)),
      unit: 'Mbit/s',
      mib: cfg.mib,
      ...extra,
    });
    print({
      figure: 'tcp_rtt_p50_ms',
      value: round(median(acc.p50)),
      unit: 'ms',
      pings: cfg.pings,
      ...extra,
    });
    print({
      figure: 'tcp_rtt_p99_ms',
      value: round(median(acc.p99)),
      unit: 'ms',
      pings: cfg.pings,
      ...extra,
    });
  }
  const [overlay, host] = [results.get('overlay')!, results.get('host_network')!];
  // Each round's two runs are back to back: their ratio is what a shared machine's load disturbs least.
  const perRound = overlay.mbit.map((mbit, i) => mbit / host.mbit[i]!);
  print({
    figure: 'tcp_throughput_mbit_per_s',
    link,
    ratio_overlay_over_host: round(median(overlay.mbit) / median(host.mbit)),
    ratio_per_round_median: round(median(perRound)),
    ratio_per_round_min: round(Math.min(...perRound)),
    ratio_per_round_max: round(Math.max(...perRound)),
  });
  print({
    figure: 'tcp_rtt_p50_ms',
    link,
    ratio_overlay_over_host: round(median(overlay.p50) / median(host.p50)),
  });
}

/** Seconds from a worker host's death to its task running on the other worker, `reps` times. */
/**
 * Kills a worker host `reps` times and times, from the moment its last process died, until
 * its task runs on the other worker. The tasks are read every 100 ms from m1's Control API
 * over its local socket, as Swarm's side reads its API: a CLI per look would cost a second.
 */
async function hostDeaths(lab: TestLab, reps: number): Promise<number[]> {
  await lab.createService(
    'sl',
    '--replicas',
    '2',
    '--constraint',
    'node.role==worker',
    'host',
    'sleep',
    '1000000',
  );
  const state = (await lab.state())!;
  const m1 = state.hosts.find((h) => h.name === 'm1')!;
  const control = connect(wire.flotilla.Control, `unix:${paths(m1.dataDir).socket}`);
  const running = async () => {
    const { tasks } = await call(control, control.ListTasks, { services: ['sl'], nodes: [] });
    return tasks.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
  };
  const seconds: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const names = await lab.hostnames();
      const tasks = await eventually('2 tasks running', async () => {
        const t = await running();
        return t.length === 2 && t;
      });
      const victim = state.hosts.find((h) => h.name === names[tasks[0]!.nodeId])!;
      await killHost(victim);
      const start = performance.now();
      for (;;) {
        const t = await running();
        if (t.length === 2 && t.every((x) => names[x.nodeId] !== victim.name)) break;
        if (performance.now() - start > 120_000) throw new Error(`the tasks stayed on ${victim.name}`);
        await delay(100);
      }
      seconds.push((performance.now() - start) / 1000);
      progress(`${victim.name} killed: its task ran elsewhere after ${seconds.at(-1)!.toFixed(2)} s`);
      const back = await lab.run('restart', victim.name);
      if (back.code !== 0) throw new Error(back.stderr);
      await lab.hostIs(victim.name, 'READY');
    }
  } finally {
    control.close();
  }
  return seconds;
}

async function withLab<T>(args: string[], fn: (lab: TestLab) => Promise<T>): Promise<T> {
  const lab = new TestLab();
  const up = await lab.run('up', ...args);
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  try {
    return await fn(lab);
  } finally {
    await lab.down();
  }
}

function printDeaths(figure: string, seconds: number[], common: Record<string, unknown>): void {
  const spread = { unit: 's', reps: seconds.length, runs: seconds.map(round), ...common };
  print({ figure: `${figure}_median_s`, value: round(median(seconds)), ...spread });
  print({ figure: `${figure}_max_s`, value: round(Math.max(...seconds)), ...spread });
}

/** Our host deaths with the default heartbeat and a tuned one, then Swarm's, and the ratios. */
async function nodeLoss(): Promise<void> {
  const ours = new Map<string, number[]>();
  for (const heartbeat of ['1s', '250ms']) {
    progress(
      `host deaths with --dispatcher-heartbeat ${heartbeat}${heartbeat === '1s' ? ' (the default)' : ''}`,
    );
    const seconds = await withLab(
      ['--managers', '1', '--workers', '2', '--dispatcher-heartbeat', heartbeat],
      (lab) => hostDeaths(lab, cfg.deaths),
    );
    ours.set(heartbeat, seconds);
    printDeaths('host_death_to_tasks_elsewhere', seconds, { heartbeat, system: 'flotilla' });
  }
  const missing = await swarmNodeLossMissing();
  if (missing) {
    progress(`no Docker Swarm side by side: ${missing}`);
    return print({ peer: 'swarm', unavailable: missing });
  }
  progress(`Docker Swarm: a manager and a worker, the worker killed ${swarmDeaths} times`);
  const swarm = await swarmNodeLoss(swarmDeaths);
  const common = { heartbeat: SWARM_HEARTBEAT, system: 'swarm' };
  printDeaths('host_death_to_tasks_elsewhere', swarm.elsewhere, common);
  printDeaths('host_death_to_node_down', swarm.down, common);
  for (const [heartbeat, seconds] of ours) {
    print({
      figure: 'host_death_to_tasks_elsewhere_median_s',
      heartbeat,
      ratio_flotilla_over_swarm: round(median(seconds) / median(swarm.elsewhere)),
    });
  }
}

progress(`mode ${mode}${only ? `, only ${only}` : ''}`);
if (only !== 'node-loss') {
  progress('a lab of 3 hosts with containerd');
  await withLab(['--managers', '1', '--workers', '2', '--runtime', 'containerd'], async (lab) => {
    const load = await lab.cluster('m1', 'image', 'load', (await testImages()).busybox);
    if (load.code !== 0) throw new Error(load.stderr);
    await measurePaths(lab);
  });
}
if (only !== 'paths') await nodeLoss();
