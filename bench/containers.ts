/**
 * Real containers at scale, on one node whose daemon uses a private containerd
 * (test/integration/containerd-harness.ts): `service create --replicas 100` of the busybox
 * test image until 100 run, `service rm` until no container is left, and scale 50 → 100
 * until 100 run; medians of 3 runs (1 with --quick). The daemon's and containerd's resident
 * memory with 100 tasks. Docker Swarm (the shared peer kit: its own dockerd and containerd)
 * runs the same steps in the same run when it can, and the ratios are printed. One JSON
 * line per figure; progress goes to stderr.
 *
 *   npm run bench:containers [-- --quick] [-- --node-network]
 *
 * Containers get networks of their own on the node bridge, as on any node by default;
 * --node-network puts them on the node's network instead (the runtime's cost alone).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import { call } from '../proto/rpc.js';
import { testImages } from '../test/integration/containerd-harness.js';
import { until, withContainerdNode } from './containerd-node.js';
import { progress, round } from './stats.js';
import { sideBySide, type Runs } from './side-by-side.js';
import { createSleepers, withSwarmPeer } from './swarm-peer.js';

if (process.argv.includes('--help')) {
  console.log('npm run bench:containers [-- --quick] [-- --node-network]');
  console.log(
    '  --quick          one run of each step instead of the median of 3 (about 2 minutes with Swarm)',
  );
  console.log("  --node-network   containers on the node's network instead of their own on the bridge");
  process.exit(0);
}
const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const reps = quick ? 1 : 3;
const network = process.argv.includes('--node-network') ? 'host' : undefined;

type Figures = Runs<'create100' | 'rm100' | 'scale50to100'>;

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'containers', ...line, mode, flotilla_network: network ?? 'bridge' }));
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** What `cluster service create --replicas N --stop-signal SIGKILL flotilla/busybox sleep 100000` sends. */
const spec = (name: string, replicas: number) =>
  // As the Swarm peer does: busybox sleep as pid 1 ignores SIGTERM.
  specFromFlags('flotilla/busybox', ['sleep', '100000'], {
    ...CREATE_DEFAULTS,
    name,
    replicas: String(replicas),
    stopSignal: 'SIGKILL',
  });

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function flotilla(): Promise<Figures> {
  const images = [(await testImages()).busybox];
  return withContainerdNode(
    images,
    async ({ cluster, containerd, client: c, running, noContainers: gone }) => {
      const figures: Figures = { create100: [], rm100: [], scale50to100: [] };
      for (let i = 0; i < reps; i++) {
        const name = `bb${i}`;
        progress(`flotilla run ${i + 1}/${reps}: create 100`);
        let t0 = performance.now();
        await call(c, c.CreateService, { spec: spec(name, 100) });
        await until('100 running', () => running(name, 100));
        figures.create100.push(seconds(t0));
        if (i === 0) {
          const daemon = await cluster.daemonPid('m1');
          print({
            figure: 'rss_with_100_tasks_node_daemon_mib',
            value: round(rssMiB(daemon)),
            unit: 'MiB',
            system: 'flotilla',
          });
          print({
            figure: 'rss_with_100_tasks_containerd_mib',
            value: round(rssMiB(containerd.pid)),
            unit: 'MiB',
            system: 'flotilla',
          });
        }
        progress(`flotilla run ${i + 1}/${reps}: rm 100`);
        t0 = performance.now();
        await call(c, c.RemoveService, { service: name });
        await until('no containers', gone);
        figures.rm100.push(seconds(t0));

        progress(`flotilla run ${i + 1}/${reps}: scale 50 -> 100`);
        const scaled = `sc${i}`;
        await call(c, c.CreateService, { spec: spec(scaled, 50) });
        await until('50 running', () => running(scaled, 50));
        const { service } = await call(c, c.GetService, { service: scaled });
        const next = structuredClone(service!.spec!);
        next.replicated = { replicas: 100 };
        t0 = performance.now();
        await call(c, c.UpdateService, {
          serviceId: service!.id,
          version: service!.meta!.version,
          spec: next,
        });
        await until('100 running', () => running(scaled, 100));
        figures.scale50to100.push(seconds(t0));
        await call(c, c.RemoveService, { service: scaled });
        await until('no containers', gone);
      }
      return figures;
    },
    network,
  );
}

/** The same steps on Docker Swarm with the peer kit, or why it cannot run here. */
function swarm(): ReturnType<typeof withSwarmPeer<Figures>> {
  return withSwarmPeer((peer) => {
    const { docker, poll } = peer;
    const create = (name: string, n: number) => createSleepers(peer, name, n);
    const figures: Figures = { create100: [], rm100: [], scale50to100: [] };
    for (let i = 0; i < reps; i++) {
      progress(`swarm run ${i + 1}/${reps}: create 100`);
      let t0 = performance.now();
      const id = create(`bb${i}`, 100);
      poll('tasks', `bb${i}`, '100');
      figures.create100.push(seconds(t0));
      progress(`swarm run ${i + 1}/${reps}: rm 100`);
      t0 = performance.now();
      docker('service', 'rm', id);
      poll('gone', id);
      figures.rm100.push(seconds(t0));
      progress(`swarm run ${i + 1}/${reps}: scale 50 -> 100`);
      const sid = create(`sc${i}`, 50);
      poll('tasks', `sc${i}`, '50');
      t0 = performance.now();
      docker('service', 'scale', '--detach', `sc${i}=100`);
      poll('tasks', `sc${i}`, '100');
      figures.scale50to100.push(seconds(t0));
      docker('service', 'rm', sid);
      poll('gone', sid);
    }
    return figures;
  });
}

const FIGURES = {
  create100: 'create_100_until_running_median_s',
  rm100: 'rm_100_until_gone_median_s',
  scale50to100: 'scale_50_to_100_until_running_median_s',
} as const;

await sideBySide({ print, mode, figures: FIGURES, ours: flotilla, swarm });
