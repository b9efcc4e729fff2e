/**
 * Scheduler benchmark: time to place `--replicas N` (default 10000) tasks of one service on
 * 1,000 simulated nodes (store objects in an in-process MemoryStore; no workers), and the
 * placements per second, for plain spread and for reservations with a zone preference; then
 * the time for a new service of N replicas to converge, from its creation until every task
 * runs: the replicated orchestrator and the scheduler with simulated workers (tasks start
 * RUNNING once assigned, no runtime).
 * Prints one JSON line per figure. The `reference` fields are published figures of other
 * schedulers, not measured here. Run: node dist/bench/scheduler.js [--replicas N] [--nodes N]
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../lib/log.js';
import { ReplicatedOrchestrator } from '../manager/orchestrator/replicated.js';
import { newTask } from '../manager/services/tasks.js';
import { Scheduler } from '../manager/scheduler/scheduler.js';
import { MemoryStore } from '../manager/store/memory-store.js';
import type { Node, Service, TaskSpec } from '../proto/types.js';
import { makeNode, makeService, makeSpec } from '../test/unit/helpers.js';
import { SimWorkers } from '../test/unit/orchestrator/sim-worker.js';
import { progress, round } from './stats.js';

const REFERENCE = {
  note: 'published figures of other schedulers, not measured here',
  kube_scheduler_pods_per_sec: [680, 1100],
  nomad_c1m_containers_per_sec: 3750,
};

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

function node(i: number): Node {
  const n = makeNode({ runtimes: ['process'] });
  n.spec!.labels = { zone: `z${i % 3}` };
  n.description = {
    ...n.description!,
    hostname: `sim-${i}`,
    platform: { os: 'linux', arch: 'amd64' },
    resources: { nanoCpus: 64e9, memoryBytes: 256 * 2 ** 30, pids: 0 },
  };
  return n;
}

function service(
  placement: Partial<NonNullable<TaskSpec['placement']>>,
  resources: TaskSpec['resources'],
): Service {
  const spec = makeSpec({ name: 'bench' }, 0);
  spec.task = { ...spec.task!, placement: { ...spec.task!.placement!, ...placement }, resources };
  return makeService(spec);
}

async function placeAll(label: string, nodes: number, replicas: number, s: Service): Promise<void> {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (let i = 0; i < nodes; i++) tx.create('nodes', node(i));
    tx.create('services', s);
  });
  const ac = new AbortController();
  const loop = new Scheduler(store, silentLogger()).run(ac.signal);
  let placed = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const watch = (async () => {
    for await (const e of store.watch({ tables: ['tasks'], kinds: ['update'] }, ac.signal)) {
      if (
        e.table === 'tasks' &&
        e.object.status?.state === 'ASSIGNED' &&
        e.old?.status?.state === 'PENDING'
      ) {
        if (++placed === replicas) done();
      }
    }
  })();
  const start = performance.now();
  await store.update((tx) => {
    for (let slot = 1; slot <= replicas; slot++) tx.create('tasks', newTask(s, slot, Date.now()));
  });
  await finished;
  const seconds = (performance.now() - start) / 1000;
  ac.abort();
  await Promise.all([loop, watch]);
  await store.close();
  const perSec = replicas / seconds;
  const extra = { case: label, nodes, replicas };
  report('time_to_place_all_s', seconds, 's', extra);
  report('placements_per_sec', perSec, 'placements/s', {
    ...extra,
    reference: {
      ...REFERENCE,
      ratio_to_kube_scheduler: REFERENCE.kube_scheduler_pods_per_sec.map((r) => round(perSec / r)),
      ratio_to_nomad_c1m: round(perSec / REFERENCE.nomad_c1m_containers_per_sec),
    },
  });
}

/** From the service's creation until all its tasks run, through orchestrator, scheduler and simulated workers. */
async function converge(nodes: number, replicas: number): Promise<void> {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (let i = 0; i < nodes; i++) tx.create('nodes', node(i));
  });
  const ac = new AbortController();
  const log = silentLogger();
  const loops = [
    new ReplicatedOrchestrator(store, log),
    new Scheduler(store, log),
    new SimWorkers(store),
  ].map((l) => l.run(ac.signal));
  const s = service({}, null);
  s.spec!.replicated = { replicas };
  let running = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const watch = (async () => {
    for await (const e of store.watch({ tables: ['tasks'], kinds: ['update'] }, ac.signal)) {
      if (e.table === 'tasks' && e.object.status?.state === 'RUNNING' && e.old?.status?.state !== 'RUNNING') {
        if (++running === replicas) done();
      }
    }
  })();
  const start = performance.now();
  await store.update((tx) => tx.create('services', s));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  ac.abort();
  await Promise.all([...loops, watch]);
  await store.close();
  report('time_to_converge_s', seconds, 's', { case: 'spread, simulated workers', nodes, replicas });
}

function report(figure: string, value: number, unit: string, extra: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'scheduler', figure, value: round(value), unit, ...extra }));
}

const nodes = flag('nodes', 1000);
const replicas = flag('replicas', 10_000);
progress(`placing ${replicas} tasks on ${nodes} nodes: spread`);
await placeAll('spread', nodes, replicas, service({}, null));
progress('reservations, max per node and a zone preference');
await placeAll(
  'spread+reservations+zone-pref+max-per-node',
  nodes,
  replicas,
  service(
    {
      preferences: [{ spread: 'node.labels.zone' }],
      maxReplicas: 20,
      constraints: ['node.platform.os==linux'],
    },
    { reservations: { nanoCpus: 5e8, memoryBytes: 256 * 2 ** 20, pids: 0 }, generic: {}, limits: null },
  ),
);
progress('binpack with reservations');
await placeAll(
  'binpack+reservations',
  nodes,
  replicas,
  service(
    { strategy: 'BINPACK' },
    { reservations: { nanoCpus: 5e8, memoryBytes: 256 * 2 ** 20, pids: 0 }, generic: {}, limits: null },
  ),
);
progress(`a service of ${replicas} replicas converging on ${nodes} nodes with simulated workers`);
await converge(nodes, replicas);
