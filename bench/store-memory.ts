/**
 * What a task costs a manager in memory, by part, and a snapshot of that many tasks.
 *
 * The tasks go through the writes the loops make of each (created PENDING by the
 * orchestrator, ASSIGNED by the scheduler, then ACCEPTED, PREPARING, STARTING and RUNNING as
 * the dispatcher writes a node's reports), 256 tasks a write, spread over `--services` services
 * and `--nodes` nodes. Figures, one JSON line each:
 * - state: the store's state fed the decoded writes, as every manager applies them: the task
 *   objects alone, and the tables and indexes over them;
 * - raft: the same writes through a one-member Raft store on a temporary directory: what it
 *   holds besides the state (its log in memory), its WAL, and the snapshot files it kept;
 * - snapshot: taking one of the state as a member does (encoded, enveloped, checksummed and
 *   written to its file), its size; installing it as a joining member does (decoded,
 *   restored, its events made); each with the longest the event loop was held meanwhile.
 * Run: node --expose-gc dist/bench/store-memory.js [--tasks N] [--nodes N] [--services N]
 * [--heap-snapshot] (writes one of the state's task objects, to see what they hold)
 * [--no-raft] (the state and snapshot figures only: the Raft store's writes take longest).
 * The heap figures are after garbage collection; timings depend on the machine's load.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { silentLogger } from '../lib/log.js';
import type { Message } from '../manager/raft/types.js';
import { newTask } from '../manager/services/tasks.js';
import { RaftStore } from '../manager/store/raft-store.js';
import { decodeSnapshotData, encodeSnapshotData } from '../manager/raft/node/members.js';
import { Snapshotter } from '../manager/raft/storage/snapshotter.js';
import { encodeSnapshotRuns, restoreSnapshot } from '../manager/store/snapshot-codec.js';
import { diffEvents } from '../manager/store/state-diff.js';
import { StoreState, type Change } from '../manager/store/state.js';
import { decodeWrite, encodeWrite } from '../manager/store/write-codec.js';
import type { Node, Service, Task, TaskState } from '../proto/types.js';
import { makeNode, makeService, makeSpec } from '../test/unit/helpers.js';
import { progress, round } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const TASKS = flag('tasks', 100_000);
const NODES = flag('nodes', 1_000);
const SERVICES = flag('services', 10);
/** Tasks a write: the orchestrator's and the scheduler's batches. */
const BATCH = 256;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (node --expose-gc dist/bench/store-memory.js)');

function report(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(
    JSON.stringify({ bench: 'store-memory', figure, value: round(value), unit, tasks: TASKS, ...extra }),
  );
}

async function settled(): Promise<NodeJS.MemoryUsage> {
  // Rounds until nothing more goes: weak references and finalizers let more go in the next
  // one, and the buffers' memory is counted free only once a background thread has swept
  // them (later on a busy machine).
  let last = process.memoryUsage();
  for (let i = 0; i < 20; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 100));
    const now = process.memoryUsage();
    const freed = last.heapUsed + last.external - (now.heapUsed + now.external);
    last = now;
    if (i >= 2 && freed < 64 * 1024) break;
  }
  return last;
}

/** Heap bytes a task, from `before` to now. */
async function perTask(before: NodeJS.MemoryUsage): Promise<{ heap: number; external: number }> {
  const now = await settled();
  return {
    heap: (now.heapUsed - before.heapUsed) / TASKS,
    external: (now.external - before.external) / TASKS,
  };
}

function cluster(): { nodes: Node[]; services: Service[] } {
  const nodes = Array.from({ length: NODES }, (_, i) =>
    makeNode({ description: { ...makeNode().description!, hostname: `sim-${i}` } }),
  );
  const services = Array.from({ length: SERVICES }, (_, i) =>
    makeService(makeSpec({ name: `svc-${i}` }, Math.ceil(TASKS / SERVICES))),
  );
  return { nodes, services };
}

const REPORTS: [TaskState, string][] = [
  ['ACCEPTED', 'accepted'],
  ['PREPARING', 'preparing'],
  ['STARTING', 'starting'],
  ['RUNNING', 'started'],
];

/**
 * The writes that take `count` tasks from new to RUNNING, each as its changes on the state it
 * follows (`read` gives a task as stored): created, assigned, then one write per report.
 */
function* lifecycle(
  services: Service[],
  nodes: Node[],
  count: number,
  read: (id: string) => Task,
): Generator<Change[]> {
  let slot = 0;
  for (let first = 0; first < count; first += BATCH) {
    const ids: string[] = [];
    const created: Change[] = [];
    for (let i = first; i < Math.min(count, first + BATCH); i++) {
      const service = services[i % services.length]!;
      const task = newTask(service, ++slot, Date.now());
      ids.push(task.id);
      created.push({ kind: 'create', table: 'tasks', object: task, expectedVersion: 0 });
    }
    yield created;
    yield ids.map((id, i) => {
      const task = read(id);
      const nodeId = nodes[(first + i) % nodes.length]!.id;
      const message = 'scheduler assigned task to node';
      return update(
        { ...task, nodeId },
        { ...task.status!, timestamp: Date.now(), state: 'ASSIGNED', message },
      );
    });
    for (const [state, message] of REPORTS) {
      yield ids.map((id) => {
        const task = read(id);
        const container = {
          containerId: `sim-${task.slot.toString(36)}`,
          pid: 1000 + task.slot,
          exitCode: 0,
        };
        const status = { ...task.status!, timestamp: Date.now(), state, message, container };
        const runningSince = state === 'RUNNING' ? status.timestamp : 0;
        return update({ ...task, runningSince }, status);
      });
    }
  }
}

function update(task: Task, status: Task['status']): Change {
  return {
    kind: 'update',
    table: 'tasks',
    object: { ...task, status },
    expectedVersion: task.meta?.version ?? 0,
  };
}

/** The state of every manager: decoded writes applied one after another. */
async function stateFigures(): Promise<{ state: StoreState; heap: number }> {
  const { nodes, services } = cluster();
  const state = new StoreState();
  let index = 0;
  const apply = (changes: Change[]) => {
    const now = Date.now();
    state.apply(decodeWrite(encodeWrite(changes, now)).changes, ++index, now);
  };
  apply([
    ...nodes.map((object): Change => ({ kind: 'create', table: 'nodes', object, expectedVersion: 0 })),
    ...services.map((object): Change => ({ kind: 'create', table: 'services', object, expectedVersion: 0 })),
  ]);
  const before = await settled();
  for (const changes of lifecycle(services, nodes, TASKS, (id) => state.get('tasks', id)!)) apply(changes);
  const whole = await perTask(before);
  // The task objects alone (held in one array, 8 bytes a task): the rest was the tables and
  // indexes over them.
  const tasks = state.all('tasks');
  state.restore({ ...state.snapshot(), tasks: [] });
  const objects = await perTask(before);
  report('state_bytes_per_task', whole.heap, 'B', { part: 'objects, tables and indexes' });
  report('task_object_bytes', objects.heap - 8, 'B', { held: tasks.length });
  report('tables_and_indexes_bytes_per_task', whole.heap - objects.heap + 8, 'B');
  if (process.argv.includes('--heap-snapshot')) progress(`heap snapshot ${writeHeapSnapshot()}`);
  // The tasks back, for the snapshot figures.
  state.restore({ ...state.snapshot(), tasks });
  return { state, heap: whole.heap };
}

/** The same writes through a one-member Raft store: what it holds besides the state. */
async function raftFigures(dir: string, state: { heap: number }): Promise<void> {
  const { nodes, services } = cluster();
  const before = await settled();
  const store = await RaftStore.open({
    id: 1,
    dir,
    transport: quiet,
    bootstrap: [{ id: 1, address: 'alone' }],
    logger: silentLogger(),
    tickMs: 10,
  });
  while (!store.raft.isLeader) await new Promise((r) => setTimeout(r, 10));
  const write = (changes: Change[]) =>
    store.update((tx) => {
      for (const c of changes) {
        if (c.kind === 'create') tx.create(c.table, c.object);
        else tx.update(c.table, c.object);
      }
    });
  await write([
    ...nodes.map((object): Change => ({ kind: 'create', table: 'nodes', object, expectedVersion: 0 })),
    ...services.map((object): Change => ({ kind: 'create', table: 'services', object, expectedVersion: 0 })),
  ]);
  const start = performance.now();
  const read = (id: string) => store.view((tx) => tx.get('tasks', id)!);
  for (const changes of lifecycle(services, nodes, TASKS, read)) await write(changes);
  const writesS = (performance.now() - start) / 1000;
  // A snapshot due at the last writes: its encoding in flight is no part of what is held.
  await store.raft.snapshotTaken();
  const raft = await perTask(before);
  report('raft_store_bytes_per_task', raft.heap + raft.external, 'B', {
    heap: round(raft.heap),
    external: round(raft.external),
    writes_s: round(writesS),
  });
  report('raft_beyond_state_bytes_per_task', raft.heap + raft.external - state.heap, 'B', {
    part: 'the log since the last snapshot and the 16 MiB behind it, the rest of the member',
  });
  report('wal_bytes_per_task', (await bytesIn(join(dir, 'wal'))) / TASKS, 'B');
  // The group's first snapshot (index 1) holds only its members; the member keeps its newest
  // few files, so the first of many taken are gone.
  const snaps = (await readdir(join(dir, 'snap')))
    .filter((f) => f.endsWith('.snap') && !f.endsWith('-0000000000000001.snap'))
    .sort();
  const sizes = await Promise.all(snaps.map(async (f) => (await stat(join(dir, 'snap', f))).size));
  report('snapshot_files_kept', snaps.length, 'files', { bytes: sizes });
  report('newest_snapshot_bytes_per_task', (sizes.at(-1) ?? 0) / TASKS, 'B', {
    note: 'in its file only, read back when a follower needs it',
  });
  await store.close();
}

/** A transport for a member alone: it has no one to send to. */
const quiet = {
  start: () => {},
  send: (_: readonly Message[]) => {},
  setPeer: () => {},
  removePeer: () => {},
  close: async () => {},
};

async function bytesIn(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).size;
  return total;
}

/**
 * A snapshot of the state as a member takes one (the runs encoded, the envelope assembled,
 * the file's checksum taken, each a slice at a time, and the file written) and as a joining
 * member installs it (decoded and restored a slice at a time, then its events made), each
 * with the longest the event loop was held.
 */
async function snapshotFigures(state: StoreState, dir: string): Promise<void> {
  const snapshotter = await Snapshotter.open(dir);
  const take = await timed(async (step) => {
    const runs = await step('runs', () => encodeSnapshotRuns(state.snapshot()));
    const data = await step('envelope', () => encodeSnapshotData(new Map([[1, 'alone']]), runs));
    const metadata = { index: state.index, term: 1, confState: { voters: [1], learners: [] } };
    await step('file', () => snapshotter.save({ metadata, data }));
    return data;
  });
  report('snapshot_bytes_per_task', take.value.length / TASKS, 'B', { bytes: take.value.length });
  report('snapshot_take_ms', take.ms, 'ms', take.extra);
  const install = await timed(async (step) => {
    const { app } = await step('envelope', async () => decodeSnapshotData(take.value));
    const restored = await step('restore', () => restoreSnapshot(app));
    // What a joining member's watches are told: every object created.
    await step('events', async () => diffEvents(new StoreState().snapshot(), restored));
  });
  report('snapshot_install_ms', install.ms, 'ms', install.extra);
}

type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Runs `fn`, timing its steps: wall and CPU ms, the longest the event loop was held (the
 * longest gap between two runs of a 1 ms timer, which also sees a hold that lasts to the end;
 * on a loaded machine it includes waits for a core), the most CPU the process used in such
 * a gap (GC threads included, waits for a core not) and the longest GC pause meanwhile.
 */
async function timed<T>(
  fn: (step: Step) => Promise<T>,
): Promise<{ value: T; ms: number; extra: Record<string, unknown> }> {
  const steps: Record<string, number> = {};
  const step: Step = async (name, stepFn) => {
    const at = performance.now();
    const value = await stepFn();
    steps[`${name}_ms`] = round(performance.now() - at);
    return value;
  };
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let longest = 0;
  let longestCpu = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, cpuMs(lastCpu));
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  // Garbage collection holds the loop too, whatever the code does: its longest pause apart.
  let longestGc = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestGc = Math.max(longestGc, e.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn(step);
  const ms = performance.now() - start;
  const cpuUsed = cpuMs(cpu);
  // A turn for the timer after the last step, for a hold that lasted to the end.
  await new Promise((resolve) => setTimeout(resolve, 2));
  clearInterval(ticker);
  gcs.disconnect();
  const holds = {
    longest_block_ms: round(longest),
    longest_block_cpu_ms: round(longestCpu),
    longest_gc_ms: round(longestGc),
  };
  return { value, ms, extra: { cpu_ms: round(cpuUsed), ...holds, ...steps } };
}

/** CPU milliseconds (user and system) since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

progress(`${TASKS} tasks in the state`);
const { state, heap } = await stateFigures();
const dir = await mkdtemp(join(tmpdir(), 'store-memory-'));
try {
  progress('a snapshot of them');
  await snapshotFigures(state, join(dir, 'snapshot'));
  if (!process.argv.includes('--no-raft')) {
    progress('the same writes through a one-member Raft store');
    await raftFigures(join(dir, 'raft'), { heap });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
