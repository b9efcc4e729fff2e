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
  ContainerSummary,
  ExecResult,
  ExitStatus,
  LogLine,
  RuntimeDriver,
  Stats,
} from '../runtime/driver.js';
import { exitStatusOf, hasLabels, signalNumber } from '../runtime/driver-util.js';

interface SimContainer {
  summary: ContainerSummary;
  exited: Promise<ExitStatus>;
  exit: (status: ExitStatus) => void;
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
    let exit!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => (exit = resolve));
    const summary: ContainerSummary = {
      id,
      image: spec.image,
      labels: spec.labels,
      state: 'created',
      createdAt: Date.now(),
    };
    this.containers.set(id, {
      summary,
      exited,
      exit: (status) => {
        if (summary.state === 'exited') return;
        summary.state = 'exited';
        summary.exit = status;
        exit(status);
      },
    });
    return id;
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    if (this.startMs > 0) await delay(this.startMs);
    if (c.summary.state !== 'created') return;
    c.summary.state = 'running';
    c.summary.startedAt = Date.now();
  }

  wait(id: string): Promise<ExitStatus> {
    return this.get(id).exited;
  }

  async stop(id: string): Promise<void> {
    const c = this.get(id);
    c.exit(exitStatusOf(128 + signalNumber('SIGTERM'), Date.now()));
  }

  async remove(id: string): Promise<void> {
    const c = this.get(id);
    if (c.summary.state === 'running') {
      throw new FlotillaError('CONFLICT', `container ${id} is running: stop it first`);
    }
    this.containers.delete(id);
  }

  async inspect(id: string): Promise<ContainerSummary> {
    return { ...this.get(id).summary };
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => hasLabels(c.summary.labels, labels))
      .map((c) => ({ ...c.summary }));
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
