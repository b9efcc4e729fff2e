/**
 * Runs one task on this node through a runtime driver and reports each step:
 * ACCEPTED -> PREPARING -> STARTING -> RUNNING, then COMPLETE, FAILED or SHUTDOWN.
 * A runner can also adopt the container of a task that a previous agent started.
 */
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { isTerminal, taskStateRank, type Task, type TaskState, type TaskStatus } from '../proto/types.js';
import type { ContainerSummary, ExitStatus, RuntimeDriver } from '../runtime/driver.js';
import { registryAuth, runtimeFields } from './runtime-fields.js';
import { expandTemplate } from './templates.js';

export const LABEL_TASK = 'flotilla.task.id';
const LABEL_SERVICE = 'flotilla.service.id';
const LABEL_SLOT = 'flotilla.task.slot';
export const LABEL_NODE = 'flotilla.node.id';

const DEFAULT_STOP_GRACE_MS = 10_000;

export type Report = (taskId: string, status: TaskStatus) => void;

export class TaskRunner {
  private containerId: string | undefined;
  private state: TaskState;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private task: Task,
    private readonly node: { id: string; hostname: string },
    private readonly driver: RuntimeDriver,
    private readonly report: Report,
    private readonly log: Logger,
  ) {
    this.state = task.status?.state ?? 'ASSIGNED';
  }

  get id(): string {
    return this.task.id;
  }

  /** Takes the latest version of the task from the dispatcher. */
  update(task: Task): void {
    this.task = task;
    if (taskStateRank(task.desiredState) > taskStateRank('RUNNING')) void this.shutdown();
  }

  start(): void {
    this.starting = this.run();
  }

  /** Takes over a container that a previous agent started for this task. */
  adopt(container: ContainerSummary): void {
    this.containerId = container.id;
    if (container.state === 'exited' && container.exit) {
      this.finish(container.exit);
      return;
    }
    if (container.state === 'running') {
      this.set('RUNNING', 'started', '', container.pid);
      void this.watch(container.id);
      return;
    }
    // Created but never started: start it now.
    this.starting = this.startContainer(container.id);
  }

  /** Stops the container (stop signal, then kill after the grace period) and reports SHUTDOWN. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      if (this.containerId && !isTerminal(this.state)) {
        const grace = this.task.spec?.container?.stopGracePeriodMs || DEFAULT_STOP_GRACE_MS;
        await this.driver.stop(this.containerId, grace);
      }
      if (!isTerminal(this.state)) this.set('SHUTDOWN', 'shutdown', '');
    })();
    return this.stopping;
  }

  /** Stops the task if needed and removes its container. */
  async remove(): Promise<void> {
    await this.shutdown().catch((err: unknown) =>
      this.log.warn({ task: this.id, err: describeError(err) }, 'stop failed'),
    );
    if (this.containerId) await this.driver.remove(this.containerId);
  }

  private async run(): Promise<void> {
    const container = this.task.spec?.container;
    try {
      this.set('ACCEPTED', 'accepted', '');
      this.set('PREPARING', 'preparing', '');
      if (!container) throw new Error('the task has no container spec');
      await this.driver.ensureImage(
        container.image,
        AbortSignal.timeout(10 * 60_000),
        registryAuth(container.registryAuth),
      );
      if (this.stopped()) return;
      const env: Record<string, string> = {
        FLOTILLA_TASK_ID: this.task.id,
        FLOTILLA_TASK_SLOT: String(this.task.slot),
        FLOTILLA_SERVICE_ID: this.task.serviceId,
        FLOTILLA_SERVICE_NAME: this.task.serviceName,
        FLOTILLA_NODE_ID: this.node.id,
      };
      const ctx = { task: this.task, nodeId: this.node.id, hostname: this.node.hostname };
      for (const kv of container.env) {
        const eq = kv.indexOf('=');
        env[kv.slice(0, eq)] = expandTemplate(kv.slice(eq + 1), ctx);
      }
      this.containerId = await this.driver.create({
        image: container.image,
        command: [...container.command, ...container.args],
        env,
        workdir: container.dir || undefined,
        labels: {
          ...container.labels,
          [LABEL_TASK]: this.task.id,
          [LABEL_SERVICE]: this.task.serviceId,
          [LABEL_SLOT]: String(this.task.slot),
          [LABEL_NODE]: this.node.id,
        },
        stopSignal: (container.stopSignal || undefined) as NodeJS.Signals | undefined,
        user: container.user || undefined,
        hostname: container.hostname ? expandTemplate(container.hostname, ctx) : undefined,
        ...runtimeFields(container, this.task.spec?.resources?.limits),
      });
      await this.startContainer(this.containerId);
    } catch (err) {
      this.set('FAILED', 'starting failed', describeError(err));
    }
  }

  private async startContainer(id: string): Promise<void> {
    if (this.stopped()) return;
    this.set('STARTING', 'starting', '');
    await this.driver.start(id);
    const info = await this.driver.inspect(id);
    this.set('RUNNING', 'started', '', info.pid);
    void this.watch(id);
  }

  private async watch(id: string): Promise<void> {
    try {
      this.finish(await this.driver.wait(id));
    } catch (err) {
      this.set('FAILED', 'lost track of the container', describeError(err));
    }
  }

  private finish(exit: ExitStatus): void {
    if (this.stopped()) {
      this.set('SHUTDOWN', 'shutdown', '', undefined, exit.exitCode);
    } else if (exit.exitCode === 0) {
      this.set('COMPLETE', 'finished', '', undefined, 0);
    } else {
      const why = exit.signal ? `killed by ${exit.signal}` : `non-zero exit (${exit.exitCode})`;
      this.set('FAILED', 'process exited', `task: ${why}`, undefined, exit.exitCode);
    }
  }

  private stopped(): boolean {
    return this.stopping !== undefined || taskStateRank(this.task.desiredState) > taskStateRank('RUNNING');
  }

  private set(state: TaskState, message: string, err: string, pid?: number, exitCode?: number): void {
    if (taskStateRank(state) < taskStateRank(this.state) || (isTerminal(this.state) && state !== this.state))
      return;
    this.state = state;
    this.log.debug({ task: this.id, state, err }, 'task state');
    this.report(this.id, {
      timestamp: Date.now(),
      state,
      message,
      err,
      container: this.containerId
        ? { containerId: this.containerId, pid: pid ?? 0, exitCode: exitCode ?? 0 }
        : null,
    });
  }
}
