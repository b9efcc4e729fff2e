/**
 * Rolling-update benchmark. On the process runtime: a service of 50 replicas (plain `sleep`
 * processes on one manager and one worker, real daemons on loopback) updated with
 * `--update-parallelism 10 --update-delay 0s` (the default monitor, 5s), three times. Two
 * figures, each the median of the runs: the time until all 50 tasks run the new spec, and
 * the time until the update reports completed (what `cluster service update` waits for,
 * the monitor period of the last batch included). Then on the container runtime, side by
 * side with Docker Swarm (rolling-update-containers.ts): `service update --image` of 50
 * busybox replicas until all run the new image, medians of the runs and their ratio.
 * Prints one JSON line per figure; progress goes to stderr.
 *
 *   npm run bench:update [-- --replicas N --runs N]
 */
import { performance } from 'node:perf_hooks';
import { specFromFlags } from '../cli/commands/service/spec.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import type { Service } from '../proto/types.js';
import { eventually, LocalCluster, runCli } from '../test/integration/cluster-harness.js';
import { containerdMissing } from '../test/integration/containerd-harness.js';
import { flotillaImageUpdate, swarmImageUpdate } from './rolling-update-containers.js';
import { median, progress, round } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const replicas = flag('replicas', 50);
const runs = flag('runs', 3);
const PARALLELISM = 10;

function print(line: Record<string, unknown>): void {
  console.log(
    JSON.stringify({ bench: 'rolling-update', replicas, parallelism: PARALLELISM, delay_ms: 0, ...line }),
  );
}

/** The spec `cluster service create --replicas N --update-parallelism 10 --update-delay 0s host sleep 100000` sends. */
const spec = specFromFlags('host', ['sleep', '100000'], {
  name: 'bench',
  replicas: String(replicas),
  env: [],
  label: [],
  containerLabel: [],
  restartCondition: 'any',
  restartDelay: '5s',
  restartMaxAttempts: '0',
  restartWindow: '0',
  stopGracePeriod: '10s',
  updateParallelism: String(PARALLELISM),
  updateDelay: '0s',
});

/** Tasks of the service that run (with `env` in their environment, if given). */
async function runningOf(client: ControlClient, service: Service, env?: string): Promise<number> {
  const { tasks } = await call(client, client.ListTasks, { services: [service.id], nodes: [] });
  return tasks.filter(
    (t) =>
      t.desiredState === 'RUNNING' &&
      t.status?.state === 'RUNNING' &&
      (env === undefined || t.spec?.container?.env.includes(env)),
  ).length;
}

/** One update to `V=run`: milliseconds until all tasks run it, and until the update completed. */
async function update(client: ControlClient, run: number): Promise<{ replaced: number; completed: number }> {
  const { service } = await call(client, client.GetService, { service: 'bench' });
  if (!service?.spec?.task?.container) throw new Error('no service bench');
  const env = `V=${run}`;
  const next = structuredClone(service.spec);
  next.task!.container!.env = [env];
  const start = performance.now();
  await call(client, client.UpdateService, {
    serviceId: service.id,
    version: service.meta?.version ?? 0,
    spec: next,
  });
  let replaced = 0;
  for (;;) {
    if (!replaced && (await runningOf(client, service, env)) === replicas)
      replaced = performance.now() - start;
    const { service: now } = await call(client, client.GetService, { service: service.id });
    if (now?.updateStatus?.state === 'UPDATE_COMPLETED' && replaced) {
      return { replaced, completed: performance.now() - start };
    }
    if (now?.updateStatus?.state !== 'UPDATING' && now?.updateStatus?.state !== 'UPDATE_COMPLETED')
      throw new Error(`update ended ${now?.updateStatus?.state}: ${now?.updateStatus?.message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const cluster = await LocalCluster.create();
  try {
    progress('starting a manager and a worker');
    const init = await cluster.init('m1');
    if (init.code !== 0) throw new Error(init.stderr);
    const token = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
    const join = await cluster.join('w1', 'm1', token.stdout.trim());
    if (join.code !== 0) throw new Error(join.stderr);
    const client = connect(wire.flotilla.Control, cluster.addr('m1'), cluster.adminTls());
    await call(client, client.CreateService, { spec });
    const { service } = await call(client, client.GetService, { service: 'bench' });
    await eventually(
      `${replicas} tasks running`,
      async () => (await runningOf(client, service!)) === replicas,
      120_000,
    );
    const results: { replaced: number; completed: number }[] = [];
    for (let run = 1; run <= runs; run++) {
      const r = await update(client, run);
      progress(
        `run ${run}: all replaced after ${(r.replaced / 1000).toFixed(2)} s, completed after ${(r.completed / 1000).toFixed(2)} s`,
      );
      results.push(r);
    }
    print({
      figure: 'all_tasks_replaced_s',
      runtime: 'process',
      median_of: runs,
      value: seconds(median(results.map((r) => r.replaced))),
      runs: results.map((r) => seconds(r.replaced)),
    });
    print({
      figure: 'update_completed_s',
      runtime: 'process',
      monitor_ms: 5000,
      median_of: runs,
      value: seconds(median(results.map((r) => r.completed))),
      runs: results.map((r) => seconds(r.completed)),
    });
  } finally {
    await cluster.destroy();
  }
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** The container-runtime figures, Flotilla's and Swarm's from the same run, and their ratio. */
async function containers(): Promise<void> {
  const figure = 'image_update_all_running_new_s';
  const missing = await containerdMissing();
  if (missing) {
    print({ figure, runtime: 'container', system: 'flotilla', unavailable: missing });
    return;
  }
  progress(`flotilla on a private containerd: ${runs} image updates of ${replicas} busybox replicas`);
  const ours = await flotillaImageUpdate(replicas, PARALLELISM, runs);
  const figures = (system: string, times: number[]) =>
    print({
      figure,
      runtime: 'container',
      system,
      median_of: runs,
      value: seconds(median(times)),
      runs: times.map(seconds),
    });
  figures('flotilla', ours);
  progress('Docker Swarm with the peer kit');
  const swarm = swarmImageUpdate(replicas, PARALLELISM, runs);
  if ('unavailable' in swarm) {
    print({ figure, system: 'swarm', unavailable: swarm.unavailable });
    return;
  }
  figures('swarm', swarm.figures);
  print({
    figure,
    ratio_flotilla_over_swarm: round(median(ours) / median(swarm.figures)),
    swarm_reference_s: 12.7,
  });
}

await main();
await containers();
