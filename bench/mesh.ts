/**
 * Routing mesh benchmark: HTTP requests per second and p50/p99 latency to one task (a Node
 * HTTP server process, test/fixtures/slot-server) straight to its address, through the mesh
 * of a real node (a published port) on each of its paths (the kernel's nftables DNAT, and the
 * userspace proxy: a second service of the same task program with `--mesh userspace`), and
 * through HAProxy in TCP mode (one thread, as the proxy has one) as an L4 peer, with wrk as
 * the load. Each path is measured with keep-alive connections and with a new connection per
 * request, the paths taking turns over rounds (medians are printed), and the CPU the proxy in
 * the path (the node daemon, HAProxy) uses per request (the kernel path's is softirq time, no
 * process's); then how long a killed task stays in the endpoint table. Prints one JSON line
 * per figure; progress goes to stderr.
 *
 * wrk runs on a client host of its own (mesh-client-host.ts: a network namespace on a veth,
 * PREFIX-client), and the node listens on the routed address at the other end, so every path
 * is reached as a user's client on another machine reaches it; with many new connections a
 * second from one client, the server's TIME_WAIT sockets then meet the client's reused ports on
 * the direct path as on the others. The client's SYN retransmits per path are printed: a SYN
 * the server dropped costs wrk a second. Root is needed for the client host and for the kernel
 * path (nftables); without it wrk runs on loopback beside the node, the kernel path is skipped,
 * and lines say so. Needs wrk (Debian `wrk`); HAProxy (Debian `haproxy`) is skipped with a line
 * saying so when it is not installed.
 *
 *   npm run bench:mesh [-- --quick] [-- --prefix NAME]   (client host NAME-client, veth NAME-c0; default bmesh)
 *     [-- --paths direct,kernel] [-- --rounds N] [-- --conns keepalive|close]
 *
 * `--paths`, `--rounds` and `--conns` narrow a run to a comparison (say the kernel path against
 * direct over many short rounds, on a machine too busy for one run to tell); a narrowed run
 * leaves out the killed-task timing.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Node, Service, Task } from '../proto/types.js';
import { eventually, freePort, type LocalCluster } from '../test/integration/cluster-harness.js';
import { makeClientHost, removeClientHost, type ClientHost } from './mesh-client-host.js';
import { gained, tcpCounters } from './mesh-tcp-counters.js';
import { cpuSeconds, median, progress, round } from './stats.js';
import { withCluster } from './with-cluster.js';

const quick = process.argv.includes('--quick');
const prefixAt = process.argv.indexOf('--prefix');
const prefix = prefixAt > 0 ? (process.argv[prefixAt + 1] ?? '') : 'bmesh';
if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) {
  console.error(`--prefix ${prefix}: give a short name (a letter, then up to 7 letters or digits)`);
  process.exit(2);
}
const mode = quick ? 'quick' : 'full';

/** The value given after `--name`, or undefined. */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? '') : undefined;
}
const PATHS = ['direct', 'kernel', 'userspace', 'haproxy'];
const onlyPaths = option('paths')?.split(',');
const roundsGiven = option('rounds');
const connsGiven = option('conns');
if (onlyPaths && (!onlyPaths.includes('direct') || onlyPaths.some((p) => !PATHS.includes(p)))) {
  console.error(`--paths ${onlyPaths.join(',')}: give direct and some of ${PATHS.slice(1).join(', ')}`);
  process.exit(2);
}
if (roundsGiven !== undefined && !/^[1-9]\d*$/.test(roundsGiven)) {
  console.error(`--rounds ${roundsGiven}: give a whole number of rounds, 1 or more`);
  process.exit(2);
}
if (connsGiven !== undefined && connsGiven !== 'keepalive' && connsGiven !== 'close') {
  console.error(`--conns ${connsGiven}: give keepalive or close (a new connection per request)`);
  process.exit(2);
}
const narrowed = onlyPaths !== undefined || connsGiven !== undefined;
// The paths take turns, round after round, so that a busy moment of the machine falls on all
// of them; each figure is the median over the rounds.
const cfg = {
  ...(quick ? { seconds: 3, warmup: 1, rounds: 1 } : { seconds: 5, warmup: 1, rounds: 3 }),
  ...(roundsGiven && { rounds: Number(roundsGiven) }),
};
const CONNECTIONS = 16;
const execFileAsync = promisify(execFile);
const server = fileURLToPath(new URL('../test/fixtures/slot-server.js', import.meta.url));

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'mesh', ...line, mode }));
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

/** wrk prints latencies as "260.00us", "1.20ms" or "2.00s": in milliseconds. */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
}

/** The bench's children that run now (wrk, HAProxy), killed if the bench is interrupted. */
const children = new Set<ChildProcess>();

/**
 * wrk from the client host (`inside` enters its namespace; [] runs it here). Not spawnSync:
 * the bench's signal handlers must run while it waits.
 */
async function wrk(inside: string[], url: string, seconds: number, close: boolean): Promise<Result> {
  const [cmd, ...args] = [
    ...inside,
    'wrk',
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    ...(close ? ['-H', 'Connection: close'] : []),
    url,
  ];
  const run = execFileAsync(cmd!, args, { encoding: 'utf8' });
  children.add(run.child);
  const out = await run.then(
    (r) => r.stdout,
    (err: Error & { stderr?: string }) => {
      throw new Error(`wrk failed: ${err.stderr || err.message}`);
    },
  );
  children.delete(run.child);
  const pct = (p: string) => ms(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: pct('50'),
    p99: pct('99'),
    // wrk counts a server's close after each response as a read error; only connects and timeouts are failures here.
    errors: (errors ? Number(errors[1]) + Number(errors[4]) : 0) + non2xx,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
  };
}

/** HAProxy in TCP mode in front of the task, or why it cannot run. */
async function haproxy(dir: string, listen: string, task: string): Promise<ChildProcess | string> {
  if (spawnSync('haproxy', ['-v']).error) return 'haproxy is not installed (Debian package haproxy)';
  const cfgFile = join(dir, 'haproxy.cfg');
  await writeFile(
    cfgFile,
    [
      'global',
      '  nbthread 1',
      '  maxconn 4096',
      'defaults',
      '  mode tcp',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend mesh_peer',
      `  bind ${listen}`,
      '  default_backend task',
      'backend task',
      `  server t1 ${task}`,
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: 'ignore' });
  children.add(child);
  return child;
}

/**
 * How long a killed task stays in the endpoint table: from SIGKILL of its processes until
 * the node's resolver, which applies each table together with the mesh, stops listing it.
 */
async function leaveTimes(cluster: LocalCluster): Promise<void> {
  const [node] = await cluster.json<Node[]>('n1', 'node', 'ls', '--format', 'raw');
  const dns = new Resolver({ timeout: 500, tries: 1 });
  dns.setServers([node?.description?.dnsAddr ?? '']);
  const listed = async () =>
    (await dns.resolveSrv('tasks.bench').catch(() => [])).map((r) => r.name.split('.')[0]);
  const times: number[] = [];
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    const task = await eventually('a task running and listed', async () => {
      const tasks = await cluster.json<Task[]>('n1', 'service', 'ps', 'bench', '--format', 'raw');
      const t = tasks.find((x) => x.status?.state === 'RUNNING' && x.desiredState === 'RUNNING');
      return t && (await listed()).includes(t.id) ? t : undefined;
    });
    const start = performance.now();
    process.kill(-(task.status?.container?.pid ?? 0), 'SIGKILL');
    while ((await listed()).includes(task.id)) await new Promise((r) => setTimeout(r, 2));
    times.push(performance.now() - start);
    progress(`killed task left the endpoints after ${times.at(-1)?.toFixed(1)} ms`);
  }
  const common = { unit: 'ms', reps: times.length, goal: '<= 1000' };
  print({ figure: 'killed_task_out_of_endpoints_median_ms', value: round(median(times)), ...common });
  print({ figure: 'killed_task_out_of_endpoints_max_ms', value: round(Math.max(...times)), ...common });
}

/** What each path through the node must reach against direct (throughput ratio, added p99 ms). */
const GOALS: Record<string, { ratio: string; p99: string }> = {
  kernel: { ratio: '>= 0.95', p99: '<= 0.2' },
  userspace: { ratio: '>= 0.8', p99: '<= 1' },
};

/** Creates a one-task service of the slot server published through the mesh; its published host:port and its task's address. */
async function publish(
  cluster: LocalCluster,
  inside: string[],
  name: string,
  mesh: string,
): Promise<{ meshAddr: string; task: string }> {
  const create = await cluster.cli(
    'n1',
    ...['service', 'create', '-d', '--name', name, '-p', '80', '--mesh', mesh, '--restart-delay', '0s'],
    ...['host', process.execPath, server],
  );
  if (create.code !== 0) throw new Error(`service create failed: ${create.stderr}`);
  const task = await eventually(`the task of ${name} running with its address`, async () => {
    const tasks = await cluster.json<Task[]>('n1', 'service', 'ps', name, '--format', 'raw');
    return tasks.find((t) => t.status?.state === 'RUNNING')?.status?.addresses?.ports[0]?.addr;
  });
  const [service] = await cluster.json<Service[]>('n1', 'service', 'inspect', name);
  const host = cluster.addr('n1').replace(/:\d+$/, '');
  const meshAddr = `${host}:${service?.endpoint?.ports[0]?.publishedPort}`;
  await eventually(
    `${name} answering through the mesh`,
    async () => (await wrk(inside, `http://${meshAddr}/`, 1, false)).rps > 0,
  );
  return { meshAddr, task };
}

async function main(cluster: LocalCluster, client: ClientHost | undefined): Promise<void> {
  progress(`mode ${mode}; one node, one task published through its mesh`);
  const init = await cluster.init('n1');
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const inside = client?.inside ?? [];
  // `bench` is also the service whose task is killed at the end.
  const kernel = process.getuid?.() === 0;
  const { meshAddr: kernelAddr, task } = await publish(
    cluster,
    inside,
    'bench',
    kernel ? 'kernel' : 'userspace',
  );
  const { meshAddr: userspaceAddr } = await publish(cluster, inside, 'bench-userspace', 'userspace');
  // Direct goes to a task of its own. Were it the kernel path's task, a kernel-path connection
  // would often find its reply tuple still held in conntrack by a direct one from the same
  // client port (TIME_WAIT, 120 s) and be given another source port; the task's TIME_WAIT
  // socket for that port holds another flow's timestamps (Linux offsets them per address and
  // port), so the task drops the SYN (PAWS) and wrk waits a second to send it again, and the
  // remapped entries keep this going after direct stops. One client reaching a task both
  // ways from the same ports is the bench's doing.
  const { task: directTask } = await publish(cluster, inside, 'bench-direct', 'userspace');
  if (!kernel) print({ path: 'kernel', unavailable: 'the kernel path needs root (nftables)' });
  const host = cluster.addr('n1').replace(/:\d+$/, '');

  const dir = await mkdtemp(join(tmpdir(), 'flotilla-bench-mesh-'));
  const peerAddr = `${host}:${await freePort(host)}`;
  const wanted = (path: string) => !onlyPaths || onlyPaths.includes(path);
  const peer = wanted('haproxy') ? await haproxy(dir, peerAddr, task) : undefined;
  try {
    // The process whose CPU each path adds: the node daemon (its mesh), HAProxy.
    const proxies = new Map<string, number | undefined>([['userspace', await cluster.daemonPid('n1')]]);
    const paths = (
      [['direct', directTask], ...(kernel ? [['kernel', kernelAddr]] : []), ['userspace', userspaceAddr]] as [
        string,
        string,
      ][]
    ).filter(([path]) => wanted(path));
    if (typeof peer === 'string') print({ peer: 'haproxy', unavailable: peer });
    else if (peer) {
      await eventually(
        'haproxy answering',
        async () => (await wrk(inside, `http://${peerAddr}/`, 1, false)).rps > 0,
      );
      paths.push(['haproxy', peerAddr]);
      proxies.set('haproxy', peer.pid);
    }
    for (const close of [false, true]) {
      if (connsGiven && connsGiven !== (close ? 'close' : 'keepalive')) continue;
      const conns = close ? 'new_connection_per_request' : 'keepalive';
      const runs = new Map<string, Result[]>(paths.map(([path]) => [path, []]));
      const cpu = new Map<string, { seconds: number; requests: number }>();
      const synRetransmits = new Map<string, number>();
      for (let n = 1; n <= cfg.rounds; n++) {
        for (const [path, addr] of paths) {
          progress(`${path} (${addr}), ${conns}, ${CONNECTIONS} connections, ${cfg.seconds} s, round ${n}`);
          await wrk(inside, `http://${addr}/`, cfg.warmup, close);
          const before = cpuSeconds(proxies.get(path));
          const [clientBefore, nodeBefore] = [tcpCounters(inside), tcpCounters([])];
          const r = await wrk(inside, `http://${addr}/`, cfg.seconds, close);
          const [ofClient, ofNode] = [
            gained(clientBefore, tcpCounters(inside)),
            gained(nodeBefore, tcpCounters([])),
          ];
          // The node's counters are its whole namespace's (other programs' connections too).
          progress(
            `  client: ${ofClient.TcpActiveOpens} connects, ${ofClient.TcpExtTCPSynRetrans} SYN retransmits; ` +
              `node's namespace: ${ofNode.TcpExtPAWSTimewait} SYNs dropped by PAWS in TIME_WAIT, ${ofNode.TcpExtTWRecycled} TIME_WAIT recycled`,
          );
          synRetransmits.set(path, (synRetransmits.get(path) ?? 0) + ofClient.TcpExtTCPSynRetrans);
          runs.get(path)?.push(r);
          const used = cpu.get(path) ?? { seconds: 0, requests: 0 };
          cpu.set(path, {
            seconds: used.seconds + cpuSeconds(proxies.get(path)) - before,
            requests: used.requests + r.requests,
          });
        }
      }
      const results = new Map<string, Result>();
      for (const [path, rs] of runs) {
        const r: Result = {
          rps: median(rs.map((x) => x.rps)),
          p50: median(rs.map((x) => x.p50)),
          p99: median(rs.map((x) => x.p99)),
          errors: rs.reduce((n, x) => n + x.errors, 0),
          requests: rs.reduce((n, x) => n + x.requests, 0),
        };
        results.set(path, r);
        const common = {
          path,
          conns,
          connections: CONNECTIONS,
          seconds: cfg.seconds,
          rounds: cfg.rounds,
          errors: r.errors,
        };
        print({ figure: 'requests_per_s', value: round(r.rps), unit: 'req/s', ...common });
        print({ figure: 'latency_p50_ms', value: round(r.p50), unit: 'ms', ...common });
        print({ figure: 'latency_p99_ms', value: round(r.p99), unit: 'ms', ...common });
        if (client)
          print({
            figure: 'client_syn_retransmits',
            value: synRetransmits.get(path),
            unit: 'SYNs',
            ...common,
          });
        const used = cpu.get(path);
        if (proxies.has(path) && used && used.requests > 0)
          print({
            figure: 'proxy_cpu_us_per_request',
            value: round((used.seconds / used.requests) * 1e6),
            unit: 'us',
            ...common,
          });
      }
      const direct = results.get('direct');
      for (const [path, r] of results) {
        if (path === 'direct' || !direct) continue;
        print({
          figure: 'throughput_over_direct',
          path,
          conns,
          value: round(r.rps / direct.rps),
          ...(GOALS[path] && { goal: GOALS[path].ratio }),
        });
        print({
          figure: 'added_p99_ms',
          path,
          conns,
          value: round(r.p99 - direct.p99),
          unit: 'ms',
          ...(GOALS[path] && { goal: GOALS[path].p99 }),
        });
      }
    }
    if (!narrowed) await leaveTimes(cluster);
  } finally {
    if (typeof peer === 'object') peer.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

if (spawnSync('wrk', ['-v']).error) {
  print({ unavailable: 'wrk is not installed (Debian package wrk); no figures' });
} else {
  let client: ClientHost | undefined;
  if (process.getuid?.() === 0) {
    client = await makeClientHost(prefix);
    progress(
      `client host: namespace ${client.netns}, ${client.clientHost}/30 on its eth0, veth ${client.veth} ` +
        `${client.nodeHost}/30 in the node's namespace; the node listens on ${client.nodeHost}`,
    );
  } else print({ client: 'loopback', note: 'without root, wrk runs beside the node on loopback' });
  // Before withCluster's own handlers, which exit once the cluster is gone: this one is synchronous.
  const interrupted = () => {
    for (const child of children) child.kill('SIGKILL');
    if (client) removeClientHost(client);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, interrupted);
  try {
    // The node listens on the client host's far end; without one, on a loopback host of its own.
    await withCluster({ distinctHosts: true, host: client?.nodeHost }, (cluster) => main(cluster, client));
  } finally {
    if (client) removeClientHost(client);
  }
}
