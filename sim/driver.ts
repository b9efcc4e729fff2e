/**
 * The runtime of a simulated node: "runs" any image by keeping a record in memory. A
 * container starts after `startMs`, runs until it is stopped, and exits with the stop signal;
 * nothing is pulled, no process is made. It names itself containerd, the runtime the
 * managers' scheduler expects for an image other than `host`, so that a service of any image
 * places on simulated nodes as on real ones.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FlotillaError } from '../lib/errors.js';
import type {
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  ExecResult,
  ExitStatus,
  LogLine,
  RuntimeDriver,
  Stats,
} from '../runtime/driver.js';
import { exitStatusOf, hasLabels, signalNumber } from '../runtime/driver-util.js';

/**
 * A simulated container, kept small: a simulator holds one for each of up to a million tasks.
 * The promise of its exit is made when someone first waits for it.
 */
class SimContainer {
  state: ContainerState = 'created';
  startedAt: number | undefined;
  exit: ExitStatus | undefined;
  private exited: Promise<ExitStatus> | undefined;
  private resolve: ((status: ExitStatus) => void) | undefined;

  constructor(
    readonly id: string,
    readonly image: string,
    readonly labels: Record<string, string>,
    readonly createdAt: number,
  ) {}

  wait(): Promise<ExitStatus> {
    this.exited ??= this.exit
      ? Promise.resolve(this.exit)
      : new Promise<ExitStatus>((resolve) => (this.resolve = resolve));
    return this.exited;
  }

  end(status: ExitStatus): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.exit = status;
    this.resolve?.(status);
    this.resolve = undefined;
  }

  summary(): ContainerSummary {
    const { id, image, labels, state, createdAt, startedAt, exit } = this;
    return {
      id,
      image,
      labels,
      state,
      createdAt,
      ...(startedAt !== undefined && { startedAt }),
      ...(exit && { exit }),
    };
  }
}

let lastId = 0;

export class SimDriver implements RuntimeDriver {
  readonly name = 'containerd';
  private readonly containers = new Map<string, SimContainer>();

  constructor(private readonly startMs = 0) {}

  canRun(): boolean {
    return true;
  }

  async ensureImage(): Promise<void> {}

  async create(spec: ContainerSpec): Promise<string> {
    const id = `sim-${(++lastId).toString(36)}`;
    this.containers.set(id, new SimContainer(id, spec.image, spec.labels, Date.now()));
    return id;
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    if (this.startMs > 0) await delay(this.startMs);
    if (c.state !== 'created') return;
    c.state = 'running';
    c.startedAt = Date.now();
  }

  wait(id: string): Promise<ExitStatus> {
    return this.get(id).wait();
  }

  async stop(id: string): Promise<void> {
    const c = this.get(id);
    c.end(exitStatusOf(128 + signalNumber('SIGTERM'), Date.now()));
  }

  async remove(id: string): Promise<void> {
    const c = this.get(id);
    if (c.state === 'running') {
      throw new FlotillaError('CONFLICT', `container ${id} is running: stop it first`);
    }
    this.containers.delete(id);
  }

  async inspect(id: string): Promise<ContainerSummary> {
    return this.get(id).summary();
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    return [...this.containers.values()].filter((c) => hasLabels(c.labels, labels)).map((c) => c.summary());
  }

  // eslint-disable-next-line require-yield
  async *logs(): AsyncIterable<LogLine> {
    return;
  }

  async exec(): Promise<ExecResult> {
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  async stats(): Promise<Stats> {
    return { cpuSeconds: 0, memoryBytes: 0 };
  }

  async close(): Promise<void> {}

  private get(id: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new FlotillaError('NOT_FOUND', `no container ${id} on this simulated node`);
    return c;
  }
}
