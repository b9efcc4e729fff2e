/**
 * Manager benchmark on a 3-manager cluster (real daemons on loopback, no workers): service
 * creates per second through the Control API with 1 and 16 in flight, and the time from
 * SIGKILL of the leader to the next acknowledged create through a survivor. Services have
 * 0 replicas, so no task runs. Prints one JSON line per figure; progress goes to stderr.
 * Docker Swarm (the shared peer kit) is measured alongside when it can run here.
 *
 *   npm run build && node dist/bench/managers.js [--quick]
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import type { Node } from '../proto/types.js';
import { eventually, type LocalCluster } from '../test/integration/cluster-harness.js';
import { median, progress, round } from './stats.js';
import { withCluster } from './with-cluster.js';
import { SWARM_KIT } from './swarm-peer.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const cfg = quick ? { seconds: 3, failovers: 3 } : { seconds: 10, failovers: 10 };
const MANAGERS = ['m1', 'm2', 'm3'];

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'managers', ...line, mode }));
}

/** The spec `cluster service create --replicas 0 --name NAME host sleep 1000` sends. */
const spec = (name: string) =>
  specFromFlags('host', ['sleep', '1000'], { ...CREATE_DEFAULTS, name, replicas: '0' });

let names = 0;
const create = (client: ControlClient, timeoutMs: number) =>
  call(client, client.CreateService, { spec: spec(`s${++names}`) }, timeoutMs);

class Bench {
  private readonly clients = new Map<string, ControlClient>();

  constructor(readonly cluster: LocalCluster) {}

  client(name: string): ControlClient {
    let c = this.clients.get(name);
    if (!c)
      this.clients.set(
        name,
        (c = connect(wire.flotilla.Control, this.cluster.addr(name), this.cluster.adminTls())),
      );
    return c;
  }

  /** Waits until one manager leads and the other two are reachable; returns the leader's name. */
  healthy(via: string): Promise<string> {
    return eventually(
      'one leader and two reachable managers',
      async () => {
        const { nodes } = await call(this.client(via), this.client(via).ListNodes, {}, 2_000);
        const managers = nodes.filter((n: Node) => n.managerStatus);
        const leader = managers.find((n) => n.managerStatus?.leader);
        const reachable = managers.filter((n) => n.managerStatus?.reachability === 'REACHABLE');
        return managers.length === 3 && reachable.length === 3 && leader?.description?.hostname;
      },
      120_000,
    );
  }

  /** Creates per second with `inFlight` callers, each sending its next create when the last returns. */
  async createsPerSecond(via: string, inFlight: number, seconds: number) {
    const client = this.client(via);
    let ok = 0;
    let errors = 0;
    const end = performance.now() + seconds * 1000;
    const caller = async () => {
      while (performance.now() < end) {
        await create(client, 10_000).then(
          () => ok++,
          () => errors++,
        );
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: inFlight }, caller));
    return { perSecond: ok / ((performance.now() - start) / 1000), errors };
  }

  /**
   * SIGKILLs the leader and times until a create through a survivor is acknowledged, then
   * restarts the killed manager and waits until it is reachable again. Returns seconds.
   */
  async failover(): Promise<number> {
    const leader = await this.healthy('m1');
    const survivors = MANAGERS.filter((m) => m !== leader);
    const start = performance.now();
    const killed = this.cluster.stop(leader, 'SIGKILL');
    this.clients.get(leader)?.close();
    this.clients.delete(leader);
    // Each attempt gets a fresh name: a timed-out one that is applied later must not count.
    for (let i = 0; ; i++) {
      const ok = await create(this.client(survivors[i % 2]!), 2_000).then(
        () => true,
        () => false,
      );
      if (ok) break;
    }
    const seconds = (performance.now() - start) / 1000;
    await killed;
    this.cluster.restart(leader);
    await this.healthy(survivors[0]!);
    return seconds;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}

/**
 * The peer kit's failover.sh: t_create, from SIGKILL of the leader's dockerd to a detached
 * `docker service create` that succeeds on a survivor (the docker CLI, polled every 0.1 s).
 * Returns seconds per run, or why the peer cannot run here.
 */
function swarmFailover(reps: number): number[] | string {
  const probe = spawnSync('dockerd', ['--version']);
  if (probe.error)
    return `dockerd cannot run here (${probe.error.message}); only the docker CLI is installed`;
  const run = spawnSync(`${SWARM_KIT}/failover.sh`, [String(reps)], { cwd: SWARM_KIT, encoding: 'utf8' });
  // CSV rows: run,killed_leader,new_leader,t_nodels_s,t_leader_s,t_create_s,t_rejoin_s
  const seconds = run.stdout
    .split('\n')
    .filter((l) => /^\d+,n\d/.test(l))
    .map((l) => Number(l.split(',')[5]))
    .filter((v) => Number.isFinite(v));
  return seconds.length > 0
    ? seconds
    : `failover.sh gave no figures (exit ${run.status}): ${run.stderr.trim()}`;
}

async function main(cluster: LocalCluster): Promise<void> {
  progress(`mode ${mode}; starting 3 managers`);
  const init = await cluster.init('m1');
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  for (const m of ['m2', 'm3']) {
    const res = await cluster.joinManager(m, 'm1');
    if (res.code !== 0) throw new Error(`join of ${m} failed: ${res.stderr}`);
  }
  const bench = new Bench(cluster);
  const flotillaFailover: number[] = [];
  try {
    // Failover first, while the store is small; the create runs below add thousands of services.
    for (let i = 0; i < cfg.failovers; i++) {
      flotillaFailover.push(await bench.failover());
      progress(`failover ${i + 1}/${cfg.failovers}: ${flotillaFailover.at(-1)!.toFixed(3)} s`);
    }
    printFailover('flotilla', flotillaFailover);

    const leader = await bench.healthy('m1');
    for (const inFlight of [1, 16]) {
      progress(`creates through the leader (${leader}), ${inFlight} in flight, ${cfg.seconds} s`);
      const r = await bench.createsPerSecond(leader, inFlight, cfg.seconds);
      print({
        figure: `service_creates_per_s_${inFlight}_in_flight`,
        value: round(r.perSecond),
        unit: 'creates/s',
        errors: r.errors,
        seconds: cfg.seconds,
        system: 'flotilla',
      });
    }
  } finally {
    bench.close();
  }
  progress(`Docker Swarm failover x${cfg.failovers} with the peer kit`);
  const swarm = swarmFailover(cfg.failovers);
  if (typeof swarm === 'string') return print({ peer: 'swarm', unavailable: swarm });
  printFailover('swarm', swarm);
  print({
    figure: 'kill_leader_to_acked_create_median_s',
    ratio_flotilla_over_swarm: round(median(flotillaFailover) / median(swarm)),
  });
}

function printFailover(system: string, seconds: number[]): void {
  const common = { unit: 's', reps: seconds.length, system };
  print({ figure: 'kill_leader_to_acked_create_median_s', value: round(median(seconds)), ...common });
  print({ figure: 'kill_leader_to_acked_create_max_s', value: round(Math.max(...seconds)), ...common });
}

await withCluster({}, main);
