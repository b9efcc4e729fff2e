/**
 * Shared helpers for the manager's unit tests: polling for a condition, temp dirs, object
 * builders, running a control loop until the test ends, and a fake gRPC server stream.
 */
import type { ExecutionContext } from 'ava';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../lib/ids.js';
import {
  placementWith,
  type Cluster,
  type Node,
  type Service,
  type ServiceSpec,
  type Task,
  type TaskState,
  type TaskStatus,
} from '../../proto/types.js';
import type { Store } from '../../manager/store/types.js';

/**
 * Polls `fn` until it returns a truthy value and returns that value; fails after a
 * generous timeout. Only for waiting: never a timing assertion.
 */
export async function eventually<T>(
  fn: () => T | undefined | null | false,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${opts.message ?? fn.toString()}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 5));
  }
}

export async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-unit-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a loop (orchestrator, scheduler, dispatcher) until the test ends; returns its controller. */
export function runLoop(
  t: ExecutionContext,
  loop: { run(signal: AbortSignal): Promise<void> },
): AbortController {
  const ac = new AbortController();
  const done = loop.run(ac.signal);
  t.teardown(async () => {
    ac.abort();
    await done;
  });
  return ac;
}

export function makeCluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    id: 'c',
    meta: null,
    spec: null,
    joinTokens: null,
    sealedJoinTokens: Buffer.alloc(0),
    rootCa: null,
    removedNodes: [],
    dataKey: null,
    ...overrides,
  };
}

export function makeNode(overrides: Partial<Node> & { runtimes?: string[] } = {}): Node {
  const { runtimes, ...rest } = overrides;
  return {
    id: newId(),
    meta: null,
    role: 'WORKER',
    spec: { desiredRole: 'WORKER', availability: 'ACTIVE', labels: {} },
    description: {
      hostname: `host-${Math.random().toString(36).slice(2, 8)}`,
      platform: null,
      resources: null,
      runtimes: runtimes ?? ['process', 'containerd'],
      version: 'test',
      genericResources: {},
      engineLabels: {},
      overlayNetworks: false,
    },
    status: { state: 'READY', message: '', addr: '' },
    managerStatus: null,
    certificate: null,
    containerSubnet: '',
    dataPathAddr: '',
    ...rest,
  };
}

export function makeSpec(overrides: Partial<ServiceSpec> = {}, replicas = 1): ServiceSpec {
  return {
    name: 'web',
    labels: {},
    mode: 'replicated',
    replicated: { replicas },
    task: {
      container: {
        image: 'host',
        command: [],
        args: ['sleep', '1000'],
        env: [],
        dir: '',
        labels: {},
        stopSignal: '',
        stopGracePeriodMs: 10_000,
        user: '',
        hostname: '',
        healthcheck: null,
        mounts: [],
        readOnly: false,
        capAdd: [],
        capDrop: [],
        registryAuth: '',
        hostNetwork: false,
        secrets: [],
        configs: [],
        registryAuthSecret: '',
      },
      restart: { condition: 'RESTART_ANY', delayMs: 0, maxAttempts: 0, windowMs: 0 },
      placement: placementWith(),
      resources: null,
      networks: [],
      forceUpdate: 0,
    },
    update: null,
    rollback: null,
    ...overrides,
  };
}

export function makeService(spec: ServiceSpec = makeSpec(), id = newId()): Service {
  return { id, meta: null, spec, previousSpec: null, specVersion: 1, updateStatus: null, specHistory: [] };
}

/** A task status in `state`, now, with nothing else to say. */
export function makeStatus(state: TaskState, overrides: Partial<TaskStatus> = {}): TaskStatus {
  return {
    timestamp: Date.now(),
    state,
    message: '',
    err: '',
    container: null,
    health: 'HEALTH_NONE',
    healthOutput: '',
    ...overrides,
  };
}

export function makeTask(service: Service, overrides: Partial<Task> = {}): Task {
  return {
    id: newId(),
    meta: null,
    serviceId: service.id,
    serviceName: service.spec?.name ?? '',
    slot: 1,
    nodeId: '',
    spec: structuredClone(service.spec?.task ?? null),
    specVersion: service.specVersion,
    desiredState: 'RUNNING',
    status: makeStatus('PENDING', { timestamp: 0 }),
    runningSince: 0,
    canary: false,
    networks: [],
    ...overrides,
  };
}

/** Sets a task's observed state as a worker would report it. */
export async function setTaskState(store: Store, taskId: string, state: TaskState, timestamp = Date.now()) {
  await store.update((tx) => {
    const t = tx.get('tasks', taskId);
    if (!t) throw new Error(`no task ${taskId}`);
    tx.update('tasks', {
      ...t,
      status: makeStatus(state, { timestamp }),
    });
  });
}

/** Tasks of a service that hold their slot (desired RUNNING or less, not stopped). */
export function liveTasks(store: Store, serviceId: string): Task[] {
  const terminal = new Set(['COMPLETE', 'SHUTDOWN', 'FAILED', 'REJECTED', 'REMOVE', 'ORPHANED']);
  return store.view((tx) =>
    tx
      .tasksByService(serviceId)
      .filter((t) => t.desiredState === 'RUNNING' && !terminal.has(t.status?.state ?? 'NEW')),
  );
}

/** A stand-in for grpc's ServerWritableStream: records writes, ends and errors. */
export class FakeStream<Req, Msg> extends EventEmitter {
  readonly writes: Msg[] = [];
  readonly errors: unknown[] = [];
  ended = false;

  constructor(readonly request: Req) {
    super();
    this.on('error', (err) => this.errors.push(err));
  }

  write(msg: Msg): boolean {
    this.writes.push(msg);
    return true;
  }

  end(): void {
    this.ended = true;
    this.emit('close');
  }
}

/**
 * Counts turns of the event loop until stopped, calling `onTurn` in each: it runs between two
 * slices of work that yield with setImmediate, never within one.
 */
export function countTurns(onTurn = (): void => undefined): { readonly turns: number; stop(): void } {
  let turns = 0;
  let running = true;
  const next = (): void => {
    if (!running) return;
    turns++;
    onTurn();
    setImmediate(next);
  };
  setImmediate(next);
  return {
    get turns() {
      return turns;
    },
    stop: () => (running = false),
  };
}
