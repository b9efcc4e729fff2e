/**
 * Runs one task on this node through a runtime driver and reports each step:
 * ACCEPTED -> PREPARING -> STARTING -> RUNNING, then COMPLETE, FAILED or SHUTDOWN.
 * A runner can also adopt the container of a task that a previous agent started. The files of
 * the task's secrets and configs (secret-files.ts) are written before its container is made and
 * removed with it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isNoSpace } from '../lib/disk-full.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import {
  HOST_IMAGE,
  isTerminal,
  taskStateRank,
  type ContainerSpec,
  type HealthState,
  type Task,
  type TaskState,
  type TaskStatus,
} from '../proto/types.js';
import type { ContainerSummary, ExitStatus, NetworkPlug, RuntimeDriver } from '../runtime/driver.js';
import type { OverlayNetworks } from './networks.js';
import { HealthMonitor } from './health.js';
import type { TaskPort } from '../proto/gen/flotilla/TaskPort.js';
import { hostForwards, pickTaskPorts, portEnv, reportedPorts, serviceAddrEnv } from './task-ports.js';
import { registryAuth, runtimeFields } from './runtime-fields.js';
import { taskTargets } from '../proto/ports.js';
import { expandTemplate } from './templates.js';
import { references, type SecretFiles, type TaskFiles } from './secret-files.js';
import type { VolumeStore } from './volumes.js';
import { resolveUser } from '../runtime/users.js';

export const LABEL_TASK = 'flotilla.task.id';
export const LABEL_SERVICE = 'flotilla.service.id';
export const LABEL_SLOT = 'flotilla.task.slot';
export const LABEL_NODE = 'flotilla.node.id';
/** The named volumes a task's container uses, comma-separated (`worker/volumes.ts`). */
export const LABEL_VOLUMES = 'flotilla.volumes';
/** The task's addresses (JSON), so that an agent that adopts the container reports them again. */
const LABEL_PORTS = 'flotilla.task.ports';

/** What a task learns of the node it runs on. */
export interface NodeInfo {
  id: string;
  hostname: string;
  /** The node's own address (the host part of its --listen address). */
  host: string;
  /** Environment every task of the node gets (e.g. where its resolver is). */
  env?: Record<string, string>;
  /** The node's overlay networks, where its containers can join them. */
  networks?: OverlayNetworks;
  /** Where the files of the tasks' secrets and configs go. */
  files: SecretFiles;
  /** The node's named volumes. */
  volumes: VolumeStore;
}

const DEFAULT_STOP_GRACE_MS = 10_000;
/**
 * How long a task with published ports keeps running, untouched, after it was told to stop:
 * it left the endpoint table when its desired state changed, and this gives every node's
 * mesh the time to apply that before the stop signal. Connections already open then have
 * the stop grace period to finish (the meshes never cut them).
 */
const LEAVE_MS = 1_000;

export type Report = (taskId: string, status: TaskStatus) => void;

/** A task without secrets or configs, or one whose files are written: one empty map for all. */
const NO_VALUES: ReadonlyMap<string, Buffer> = new Map();
/** The health of a task without a check, or before its check starts. */
const NO_HEALTH = Object.freeze({ state: 'HEALTH_NONE' as HealthState, output: '' });

export class TaskRunner {
  private containerId: string | undefined;
  private state: TaskState;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private health: Readonly<{ state: HealthState; output: string; monitor?: HealthMonitor }> = NO_HEALTH;
  private ports: TaskPort[] = [];
  /** The container's address on its own network, once known. */
  private ip: string | undefined;

  constructor(
    private task: Task,
    private readonly node: NodeInfo,
    private readonly driver: RuntimeDriver,
    private readonly report: Report,
    private readonly log: Logger,
    /** The values of the task's secrets and configs, by id: dropped once its files are written. */
    private values: ReadonlyMap<string, Buffer> = NO_VALUES,
    /** The state the managers last heard of, when `task` does not carry its status (the agent's). */
    state: TaskState = task.status?.state ?? 'ASSIGNED',
  ) {
    this.state = state;
  }

  get id(): string {
    return this.task.id;
  }

  /** The state last reported (or the one the task came in). */
  get reportedState(): TaskState {
    return this.state;
  }

  /** The overlay networks (ids) of the task whose container has this address, if this is it. */
  networksAt(ip: string): string[] | undefined {
    return ip === this.ip ? this.task.networks.map((a) => a.networkId) : undefined;
  }

  /** The VXLAN ids of the task's overlay networks. */
  get vnis(): number[] {
    return this.task.networks.map((a) => a.vni);
  }

  /** The task as last assigned. */
  get current(): Task {
    return this.task;
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
    this.ip = container.ip;
    // Its overlay networks' devices, as the previous agent left them, are this node's again.
    for (const a of this.task.networks) {
      this.node.networks
        ?.ensure(a.vni)
        .catch((err: unknown) =>
          this.log.warn({ task: this.id, err: describeError(err) }, 'cannot restore an overlay network'),
        );
    }
    this.ports = container.addresses
      ? reportedPorts(container.addresses, this.task.endpoint?.ports ?? [])
      : (JSON.parse(container.labels[LABEL_PORTS] ?? '[]') as TaskPort[]);
    if (container.state === 'exited' && container.exit) {
      this.finish(container.exit);
      return;
    }
    if (container.state === 'running') {
      this.set('RUNNING', 'started', '', container.pid);
      this.checkHealth(container.id, container.pid);
      this.watch(container.id);
      return;
    }
    // Created but never started: start it now.
    this.starting = this.startContainer(container.id);
  }

  /**
   * Stops the container (stop signal, then kill after the grace period) and reports SHUTDOWN.
   * Never rejects: callers do not wait for it, and an unhandled rejection stops the daemon.
   */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      this.health.monitor?.close();
      if (this.containerId && !isTerminal(this.state)) {
        const grace = this.task.spec?.container?.stopGracePeriodMs || DEFAULT_STOP_GRACE_MS;
        if (this.ports.length > 0 && this.state === 'RUNNING') await delay(Math.min(LEAVE_MS, grace));
        await this.driver.stop(this.containerId, grace);
      }
      if (!isTerminal(this.state)) this.set('SHUTDOWN', 'shutdown', '');
    })().catch((err: unknown) =>
      this.log.warn({ task: this.id, err: describeError(err) }, 'stopping the task failed'),
    );
    return this.stopping;
  }

  /** Stops the task if needed and removes its container, then its files. */
  async remove(): Promise<void> {
    await this.shutdown();
    try {
      if (this.containerId) await this.driver.remove(this.containerId);
    } finally {
      await this.node.files.remove(this.id);
    }
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
        registryAuth(this.values.get(container.registryAuthSecret)?.toString('utf8') ?? ''),
      );
      if (this.stopped()) return;
      // The node's address on the container's own network, when it has one (else it shares the node's).
      const gateway =
        this.driver.network === 'own' && !container.hostNetwork ? this.driver.gateway : undefined;
      const env: Record<string, string> = {
        FLOTILLA_TASK_ID: this.task.id,
        FLOTILLA_TASK_SLOT: String(this.task.slot),
        FLOTILLA_SERVICE_ID: this.task.serviceId,
        FLOTILLA_SERVICE_NAME: this.task.serviceName,
        FLOTILLA_NODE_ID: this.node.id,
        ...this.node.env,
        // A container on its own network has the node's resolver at its gateway.
        ...(gateway && { FLOTILLA_DNS: `${gateway}:53` }),
      };
      const published = this.task.endpoint?.ports ?? [];
      if (published.length > 0 && !gateway) {
        this.ports = await pickTaskPorts(this.node.host, published);
        Object.assign(env, portEnv(this.ports));
      }
      // A container on its own network reaches the node's mesh at its gateway.
      Object.assign(env, serviceAddrEnv(gateway ?? this.node.host, published));
      const ctx = { task: this.task, nodeId: this.node.id, hostname: this.node.hostname };
      for (const kv of container.env) {
        const eq = kv.indexOf('=');
        env[kv.slice(0, eq)] = expandTemplate(kv.slice(eq + 1), ctx);
      }
      const files = await this.writeFiles(container);
      if (files.dir) env.FLOTILLA_SECRETS_DIR = files.dir;
      const fields = runtimeFields(container, this.task.spec?.resources?.limits);
      const volumes = await this.node.volumes.mounts(container.mounts);
      const mounts = [...(fields.mounts ?? []), ...volumes, ...files.mounts];
      const volumeNames = container.mounts.filter((m) => m.type === 'volume').map((m) => m.source);
      const networks = await this.networkPlugs(gateway);
      this.containerId = await this.driver.create({
        image: container.image,
        command: [...container.command, ...container.args],
        env,
        ...(Object.keys(files.env).length > 0 && { secretEnv: files.env }),
        workdir: container.dir || undefined,
        labels: {
          ...container.labels,
          [LABEL_TASK]: this.task.id,
          [LABEL_SERVICE]: this.task.serviceId,
          [LABEL_SLOT]: String(this.task.slot),
          [LABEL_NODE]: this.node.id,
          ...(this.ports.length > 0 ? { [LABEL_PORTS]: JSON.stringify(this.ports) } : {}),
          ...(volumeNames.length > 0 && { [LABEL_VOLUMES]: volumeNames.join(',') }),
        },
        stopSignal: (container.stopSignal || undefined) as NodeJS.Signals | undefined,
        user: container.user || undefined,
        hostname: container.hostname ? expandTemplate(container.hostname, ctx) : undefined,
        ports: taskTargets(published).map((t) => t.target),
        ...(gateway && { publish: hostForwards(this.node.host, published) }),
        ...(container.hostNetwork && { hostNetwork: true }),
        ...(networks.length > 0 && { networks }),
        // A service's containers on this node may share the runtime's helper processes (shims).
        group: this.task.serviceId,
        ...fields,
        ...(mounts.length > 0 && { mounts }),
      });
      await this.startContainer(this.containerId);
    } catch (err) {
      if (isNoSpace(err)) {
        this.log.warn(
          { task: this.id, err: describeError(err) },
          'a task cannot start: the disk is full; tasks that run go on',
        );
      }
      this.set('FAILED', 'starting failed', describeError(err));
    }
  }

  /**
   * The files of the task's secrets and configs: a plain process's owned by its user (the
   * spec's, else the daemon's own). The values are not kept past this.
   */
  private async writeFiles(container: ContainerSpec): Promise<TaskFiles> {
    const refs = references(this.task);
    const values = this.values;
    this.values = NO_VALUES;
    if (refs.length === 0) return { mounts: [], env: {} };
    if (container.image !== HOST_IMAGE) return this.node.files.write(this.id, refs, values);
    const owner = container.user
      ? await resolveUser(container.user)
      : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    return this.node.files.write(this.id, refs, values, owner);
  }

  /** The container's interfaces on the task's overlay networks, their bridges made. */
  private async networkPlugs(gateway: string | undefined): Promise<NetworkPlug[]> {
    const { networks } = this.node;
    if (this.task.networks.length === 0) return [];
    if (!gateway || !networks) {
      throw new Error(
        "this node cannot put containers on overlay networks (its containers share the node's network, or its overlay is down)",
      );
    }
    // The overlay's code is loaded where a node has one: networks came with it.
    const { OVERLAY_MTU } = await import('./overlay.js');
    const plugs: NetworkPlug[] = [];
    for (const a of this.task.networks)
      plugs.push({ bridge: await networks.ensure(a.vni), address: a.address, mtu: OVERLAY_MTU });
    return plugs;
  }

  private async startContainer(id: string): Promise<void> {
    if (this.stopped()) return;
    this.set('STARTING', 'starting', '');
    await this.driver.start(id);
    const info = await this.driver.inspect(id);
    this.ip = info.ip;
    if (info.addresses) this.ports = reportedPorts(info.addresses, this.task.endpoint?.ports ?? []);
    if (!this.checkHealth(id, info.pid)) this.set('RUNNING', 'started', '', info.pid);
    this.watch(id);
  }

  /**
   * Starts the task's health check, if it has one: RUNNING once healthy, FAILED (and
   * stopped) once unhealthy. Returns whether there is a check.
   */
  private checkHealth(id: string, pid?: number): boolean {
    const check = this.task.spec?.container?.healthcheck;
    if (!check?.cmd) return false;
    const monitor: HealthMonitor = new HealthMonitor(this.driver, id, check, (state, output) => {
      this.health = { state, output, monitor };
      if (state === 'HEALTHY') this.set('RUNNING', 'started (healthy)', '', pid);
      if (state !== 'UNHEALTHY' || this.stopped()) return;
      this.set('FAILED', 'unhealthy', `task: unhealthy: ${output}`, pid);
      const grace = this.task.spec?.container?.stopGracePeriodMs || DEFAULT_STOP_GRACE_MS;
      this.driver
        .stop(id, grace)
        .catch((err: unknown) =>
          this.log.warn({ task: this.id, err: describeError(err) }, 'stopping an unhealthy task failed'),
        );
    });
    this.health = { state: 'HEALTH_STARTING', output: '', monitor };
    monitor.start();
    return true;
  }

  /**
   * Reports the container's exit. Not an async function: it waits for as long as the task
   * runs, and a suspended one costs a frame per task (a simulator holds a million).
   */
  private watch(id: string): void {
    const lost = (err: unknown) => this.set('FAILED', 'lost track of the container', describeError(err));
    try {
      this.driver
        .wait(id)
        .then((exit) => this.finish(exit))
        .catch(lost);
    } catch (err) {
      lost(err);
    }
  }

  private finish(exit: ExitStatus): void {
    this.health.monitor?.close();
    if (isTerminal(this.state)) return; // e.g. failed as unhealthy, then stopped
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
      health: this.health.state,
      healthOutput: this.health.output,
      ...(this.ports.length > 0 ? { addresses: { ports: this.ports } } : {}),
    });
  }
}
