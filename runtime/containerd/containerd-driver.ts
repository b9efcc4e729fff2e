/**
 * The containerd runtime driver: containers in containerd's namespace `flotilla`, root
 * filesystems as overlayfs snapshots of the image, run by the io.containerd.runc.v2 shim
 * with an OCI spec generated from the image config and the container spec (oci-spec.ts).
 *
 * All state lives in containerd (the container record's labels carry the spec's labels and
 * ours: the image as given, the stop signal, start time and, once the task is deleted, its
 * exit) except the logs, which are files under `<root>/<id>/` written by the shim's logging
 * program (logger.ts). A task that has exited is deleted as soon as the driver sees it
 * (that flushes its logs and unmounts its root filesystem) and its exit recorded in labels.
 *
 * Networking: with a bridge (`network` option), each container has its own network
 * namespace on the node bridge (bridge-network.ts), made at create and released at remove; its
 * address is a label, so inspect() reports it (and a restarted agent finds it, see
 * pruneNetworks) as the addresses of the spec's ports. Without one, containers share the node's network.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  ContainerSpec,
  ContainerSummary,
  DriverLogger,
  ExecOptions,
  ExecResult,
  ExitStatus,
  LogLine,
  LogOptions,
  RegistryAuth,
  RuntimeDriver,
  Stats,
} from '../driver.js';
import { FlotillaError, invalidArgument, isFlotillaError, notFound } from '../../lib/errors.js';
import { HOST_IMAGE } from '../../proto/types.js';
import { validateContainerSpec } from '../container-spec.js';
import {
  exitStatusOf,
  hasLabels,
  killedAfter,
  pullFailed,
  settlesWithin,
  signalNumber,
  singleFlight,
  unlessRemoved,
} from '../driver-util.js';
import { readLogFiles } from '../log-file.js';
import { ContainerdClient, timestampMs, unlessNotFound } from './client.js';
import { cgroupStats } from './cgroup-stats.js';
import { ImageStore, SNAPSHOTTER, type ResolvedImage } from './images.js';
import { BridgeNetwork } from './bridge-network.js';
import { SharedLease } from './leases.js';
import { killDescendants } from '../proc.js';
import { installLogger, loggerUri } from './logger.js';
import { ociSpec, resolveImageUser, type SpecInput } from './oci-spec.js';
import { registryImage } from './registry.js';

export const CONTAINERD_NAMESPACE = 'flotilla';
const RUNTIME = 'io.containerd.runc.v2';
const SPEC_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
const PROCESS_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
const ID_PATTERN = /^[0-9a-f]{32}$/;
const POLL_MS = 200;
/** How containerd says that a task's shim went away during a call. */
const SHIM_GONE = /ttrpc: closed/;
/** How long containerd may take to clean up after a shim that died. */
const SHIM_CLEANUP_MS = 30_000;
/** Our labels on container records, next to the spec's. */
const OWN = 'flotilla.driver/';
const L = {
  image: `${OWN}image`,
  stopSignal: `${OWN}stop-signal`,
  startedAt: `${OWN}started-at`,
  pid: `${OWN}pid`,
  exitCode: `${OWN}exit-code`,
  finishedAt: `${OWN}finished-at`,
  /** The container's address on the bridge, and the ports it serves there (JSON). */
  ip: `${OWN}ip`,
  ports: `${OWN}ports`,
};

export interface ContainerdDriverOptions {
  /** containerd's gRPC socket. */
  socket: string;
  /** Directory (under the node's data dir) for logs and the logging program. */
  root: string;
  /** containerd namespace; default `flotilla`. */
  namespace?: string;
  logger?: DriverLogger;
  /** Own network namespaces on this bridge (created if missing); unset: the node's network. */
  network?: { bridge: string; subnet: string; mtu?: number };
  /**
   * How many shims the containers of one group (ContainerSpec.group) are spread over; default:
   * the machine's CPUs, at least 8. A shim runs one runc create or start at a time, and
   * other calls to it wait meanwhile: one shim for all of a service's containers on a node
   * would start them one after another (100 at once: 93 failed on containerd's 30 s
   * deadline); see bench/containerd-shims.ts.
   */
  shimsPerGroup?: number;
}

interface Record_ {
  id: string;
  labels: Record<string, string>;
  image: string;
  spec: { value: Buffer };
  createdAt: { seconds: number; nanos: number };
}

interface TaskProcess {
  containerId: string;
  id: string;
  pid: number;
  status: 'UNKNOWN' | 'CREATED' | 'RUNNING' | 'STOPPED' | 'PAUSED' | 'PAUSING';
  exitStatus: number;
  exitedAt: { seconds: number; nanos: number } | null;
}

export class ContainerdDriver implements RuntimeDriver {
  readonly name = 'containerd';
  readonly images: ImageStore;
  private readonly client: ContainerdClient;
  private readonly root: string;
  private readonly logger: DriverLogger | undefined;
  private readonly closing = new AbortController();
  private readonly waits = new Map<string, Promise<ExitStatus>>();
  private readonly starts = new Map<string, Promise<void>>();
  private readonly settles = new Map<string, Promise<Record<string, string>>>();
  /** Containers this driver created and has not started yet, with their root filesystem's mounts. */
  private readonly fresh = new Map<string, unknown[]>();
  private readonly createLease: SharedLease;
  private loggerPath: Promise<string> | undefined;
  private readonly shimsPerGroup: number;
  /** The containers' bridge network, when they have their own. */
  readonly bridge: BridgeNetwork | undefined;
  readonly network: 'host' | 'own';
  readonly gateway: string | undefined;

  constructor(opts: ContainerdDriverOptions) {
    this.client = new ContainerdClient(opts.socket, opts.namespace ?? CONTAINERD_NAMESPACE);
    this.images = new ImageStore(this.client);
    this.createLease = new SharedLease(this.client, 'create');
    this.root = resolve(opts.root);
    this.logger = opts.logger;
    this.bridge =
      opts.network &&
      new BridgeNetwork({ ...opts.network, dir: join(this.root, 'network'), logger: opts.logger });
    this.network = this.bridge ? 'own' : 'host';
    this.gateway = this.bridge?.gateway;
    this.shimsPerGroup = opts.shimsPerGroup ?? Math.max(8, availableParallelism());
  }

  canRun(image: string): boolean {
    return image !== HOST_IMAGE && image !== '';
  }

  /** The image as stored, or else pulled from its registry (with `auth` if given). */
  async ensureImage(ref: string, signal?: AbortSignal, auth?: RegistryAuth): Promise<void> {
    if (!this.canRun(ref)) throw invalidArgument('image', 'an image reference (not "host")', ref);
    const stored = await this.images.resolve(ref).catch((err: unknown) => {
      if (!isFlotillaError(err, 'NOT_FOUND')) throw err;
      return undefined;
    });
    if (stored) return this.images.unpack(stored);
    this.logger?.info({ image: ref }, 'pulling image');
    await this.images.store([await registryImage(ref, auth, signal)]).catch((err: unknown) => {
      throw pullFailed(ref, err);
    });
  }

  async create(spec: ContainerSpec): Promise<string> {
    validateContainerSpec(spec, { imageCommand: true });
    if (!this.canRun(spec.image))
      throw invalidArgument('image', 'an image reference (not "host")', spec.image);
    const id = randomBytes(16).toString('hex');
    const labels: Record<string, string> = {
      ...spec.labels,
      [L.image]: spec.image,
      ...(spec.stopSignal && { [L.stopSignal]: spec.stopSignal }),
    };
    try {
      const { mounts, imageName } = await this.createLease.with(async (lease) => {
        // The root filesystem and the network are independent: made side by side.
        const [{ image, mounts }, network] = await bothSettled(
          this.prepareRoot(spec.image, id, lease),
          this.attachNetwork(id, spec, labels),
        );
        const user = await resolveImageUser(spec.user ?? image.config.User, layerDirs(mounts));
        const oci = ociSpec({
          id,
          image: image.config,
          spec,
          user,
          cgroupsPath: `/flotilla/${id}`,
          swapAccounting: await swapAccounting(),
          network,
          // Which of the group's shims: the id is random, so each is as likely.
          shimGroup: spec.group && `${spec.group}/${parseInt(id.slice(0, 8), 16) % this.shimsPerGroup}`,
        });
        await this.client.unary(
          'containers',
          'Create',
          {
            container: {
              id,
              labels,
              image: image.name,
              runtime: { name: RUNTIME },
              spec: { typeUrl: SPEC_TYPE, value: Buffer.from(JSON.stringify(oci)) },
              snapshotter: SNAPSHOTTER,
              snapshotKey: id,
            },
          },
          { lease },
        );
        return { mounts, imageName: image.name };
      });
      this.fresh.set(id, mounts);
      this.logger?.debug({ id, image: imageName, labels: spec.labels }, 'containerd container created');
    } catch (err) {
      await unlessNotFound(this.client.unary('snapshots', 'Remove', { snapshotter: SNAPSHOTTER, key: id }));
      await this.bridge?.detach(id).catch(() => undefined);
      await rm(this.logDir(id), { recursive: true, force: true });
      throw err;
    }
    return id;
  }

  /** The container's writable snapshot on top of its image (unpacked if need be). */
  private async prepareRoot(
    ref: string,
    id: string,
    lease: string,
  ): Promise<{ image: ResolvedImage; mounts: { options: string[]; source: string }[] }> {
    const image = await this.images.resolve(ref);
    await this.images.unpack(image);
    const { mounts } = await this.client.unary<{ mounts: { options: string[]; source: string }[] }>(
      'snapshots',
      'Prepare',
      { snapshotter: SNAPSHOTTER, key: id, parent: image.chainId },
      { lease },
    );
    return { image, mounts };
  }

  /** Its own network namespace on the bridge, unless it shares the node's network (then undefined). */
  private async attachNetwork(
    id: string,
    spec: ContainerSpec,
    labels: Record<string, string>,
  ): Promise<SpecInput['network']> {
    if (!this.bridge || spec.hostNetwork) return undefined;
    const { netns, ip } = await this.bridge.attach(id, spec.publish, spec.networks);
    labels[L.ip] = ip;
    if (spec.ports?.length) labels[L.ports] = JSON.stringify(spec.ports);
    const hosts = join(this.logDir(id), 'hosts');
    await mkdir(this.logDir(id), { recursive: true });
    await writeFile(hosts, `127.0.0.1\tlocalhost\n${ip}\t${spec.hostname ?? id.slice(0, 12)}\n`);
    return { netns, resolvConf: this.bridge.resolvConf, hosts };
  }

  /** Starts a created container; a no-op if it already runs. */
  start(id: string): Promise<void> {
    return singleFlight(this.starts, id, () => this.startTask(id));
  }

  wait(id: string): Promise<ExitStatus> {
    return singleFlight(this.waits, id, () => this.waitForExit(id));
  }

  async stop(id: string, graceMs: number): Promise<void> {
    const { record, summary } = await this.load(id);
    if (summary.state !== 'running') return;
    const exited = this.wait(id);
    const signal = record.labels[L.stopSignal] ?? 'SIGTERM';
    this.logger?.info({ id, signal, graceMs }, 'stopping containerd container');
    await this.kill(id, signal, false);
    if (!(await settlesWithin(exited, graceMs))) {
      this.logger?.warn({ id, graceMs }, `no exit within grace period after ${signal}; killing`);
      await this.kill(id, 'SIGKILL', true);
    }
    await exited;
  }

  async remove(id: string): Promise<void> {
    const { record, summary } = await this.load(id);
    if (summary.state === 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is running; stop it before removing it`);
    }
    this.fresh.delete(id);
    await unlessNotFound(this.client.unary('containers', 'Delete', { id }));
    await unlessNotFound(this.client.unary('snapshots', 'Remove', { snapshotter: SNAPSHOTTER, key: id }));
    // A container on the node's network (`--network host`) never had a network to release.
    if (record.labels[L.ip]) await this.bridge?.detach(id);
    await rm(this.logDir(id), { recursive: true, force: true });
    this.logger?.debug({ id }, 'containerd container removed');
  }

  async inspect(id: string): Promise<ContainerSummary> {
    return (await this.load(id)).summary;
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const [{ containers }, { tasks }] = await Promise.all([
      this.client.unary<{ containers: Record_[] }>('containers', 'List', {}),
      this.client.unary<{ tasks: TaskProcess[] }>('tasks', 'List', {}),
    ]);
    // Tasks.List names each task by its container in `id`.
    const byId = new Map(tasks.map((t) => [t.containerId || t.id, t]));
    const out: ContainerSummary[] = [];
    for (const record of containers) {
      if (!hasLabels(userLabels(record.labels), labels)) continue;
      const summary = await unlessRemoved(this.summarize(record, byId.get(record.id)));
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async *logs(id: string, opts: LogOptions): AsyncIterable<LogLine> {
    await this.load(id);
    const dir = this.logDir(id);
    await ensureLogFiles(dir);
    yield* readLogFiles(
      [
        { stream: 'stdout', path: join(dir, 'stdout.log') },
        { stream: 'stderr', path: join(dir, 'stderr.log') },
      ],
      opts,
      async () => (await this.load(id)).summary.state === 'exited',
      this.closing.signal,
      POLL_MS,
    );
  }

  async exec(id: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (cmd.length === 0 || cmd[0] === '') throw invalidArgument('cmd', 'a non-empty command', cmd);
    const { record, summary } = await this.load(id);
    if (summary.state !== 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is not running (${summary.state})`);
    }
    const spec = JSON.parse(record.spec.value.toString('utf8')) as { process: Record<string, unknown> };
    const execId = `exec-${randomBytes(6).toString('hex')}`;
    const dir = join(this.logDir(id), execId);
    await ensureLogFiles(dir);
    const uri = loggerUri(await this.installedLogger(), dir);
    try {
      await this.client.unary('tasks', 'Exec', {
        containerId: id,
        execId,
        stdout: uri,
        stderr: uri,
        spec: { typeUrl: PROCESS_TYPE, value: Buffer.from(JSON.stringify({ ...spec.process, args: cmd })) },
      });
      try {
        const waiting = this.client.unary<{ exitStatus: number }>(
          'tasks',
          'Wait',
          { containerId: id, execId },
          { timeoutMs: 0, signal: this.closing.signal },
        );
        const started = await this.client
          .unary<{ pid: number }>('tasks', 'Start', { containerId: id, execId })
          .catch((err: Error) => err);
        if (started instanceof Error) {
          // runc refuses a program it cannot find; a shell would say 127.
          waiting.catch(() => undefined);
          return { exitCode: 127, stdout: '', stderr: `${started.message}\n` };
        }
        // At the timeout its children go first (seen from the host, as root): they would outlive
        // it and keep its output open, so that its end would wait for them.
        const kill = async () => {
          await killDescendants(started.pid);
          await this.client.unary('tasks', 'Kill', {
            containerId: id,
            execId,
            signal: signalNumber('SIGKILL'),
          });
        };
        const {
          value: { exitStatus },
          timedOut,
        } = await killedAfter(opts.timeoutMs, kill, waiting);
        // Deleting the process ends its logger, so the files are complete afterwards.
        await unlessNotFound(this.client.unary('tasks', 'DeleteProcess', { containerId: id, execId }));
        const [stdout, stderr] = await Promise.all(
          ['stdout.log', 'stderr.log'].map((f) => readFile(join(dir, f), 'utf8')),
        );
        return {
          exitCode: exitStatus,
          stdout: stdout ?? '',
          stderr: stderr ?? '',
          ...(timedOut ? { timedOut } : {}),
        };
      } finally {
        await unlessNotFound(this.client.unary('tasks', 'DeleteProcess', { containerId: id, execId })).catch(
          () => undefined,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async stats(id: string): Promise<Stats> {
    const { summary } = await this.load(id);
    if (summary.state !== 'running') return { cpuSeconds: 0, memoryBytes: 0 };
    return cgroupStats(`/flotilla/${id}`);
  }

  /** Pending wait()s reject with CANCELLED and followed logs end; the containers keep running. */
  async close(): Promise<void> {
    this.closing.abort();
    this.client.close();
  }

  /**
   * Releases the networks of containers that no longer exist (containerd's records gone
   * while their networks stayed, e.g. its state wiped) and keeps the addresses of those that
   * do leased to them; returns the ids released. For a node's start, before it creates
   * containers: one being created has its network but no record yet.
   */
  async pruneNetworks(): Promise<string[]> {
    if (!this.bridge) return [];
    const { containers } = await this.client.unary<{ containers: Record_[] }>('containers', 'List', {});
    const stale = await this.bridge.reconcile(new Map(containers.map((c) => [c.id, c.labels[L.ip]])));
    if (stale.length > 0)
      this.logger?.info({ containers: stale }, 'released the networks of vanished containers');
    return stale;
  }

  /** Whether the container's writable snapshot exists (tests check that removal frees it). */
  async snapshotExists(id: string): Promise<boolean> {
    const stat = await unlessNotFound(
      this.client.unary('snapshots', 'Stat', { snapshotter: SNAPSHOTTER, key: id }),
    );
    return stat !== undefined;
  }

  /** Whether containerd answers (and with what error if not). */
  async ping(): Promise<void> {
    await this.client.unary('containers', 'List', { filters: ['id==flotilla-ping'] }, { timeoutMs: 5_000 });
  }

  private async startTask(id: string): Promise<void> {
    const mounts = this.fresh.get(id) ?? (await this.startableMounts(id));
    this.fresh.delete(id);
    if (!mounts) return;
    const dir = this.logDir(id);
    await ensureLogFiles(dir);
    const uri = loggerUri(await this.installedLogger(), dir);
    try {
      await this.client.unary('tasks', 'Create', {
        containerId: id,
        rootfs: mounts,
        stdout: uri,
        stderr: uri,
      });
    } catch (err) {
      // runc checks the program at create: report it as the container's failure to start.
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} cannot start: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const { pid } = await this.client.unary<{ pid: number }>('tasks', 'Start', { containerId: id });
    await this.setLabels(id, { [L.startedAt]: String(Date.now()), [L.pid]: String(pid) });
    this.logger?.info({ id, pid }, 'containerd container started');
  }

  /** The mounts of a container's root filesystem if it can start; undefined if it runs. */
  private async startableMounts(id: string): Promise<unknown[] | undefined> {
    const { summary } = await this.load(id);
    if (summary.state === 'running') return undefined;
    if (summary.state === 'exited') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} has already run; create a new one`);
    }
    const { mounts } = await this.client.unary<{ mounts: unknown[] }>('snapshots', 'Mounts', {
      snapshotter: SNAPSHOTTER,
      key: id,
    });
    return mounts;
  }

  private async waitForExit(id: string): Promise<ExitStatus> {
    if (!ID_PATTERN.test(id)) throw notFound('container', id);
    // Mostly called on a container that runs: its task's end first, then a look.
    await this.waitTask(id);
    for (;;) {
      if (this.closing.signal.aborted) throw closedError();
      const { summary } = await this.load(id);
      if (summary.exit) return summary.exit;
      if (summary.state === 'running') {
        await this.waitTask(id);
        continue;
      }
      await delay(POLL_MS, undefined, { signal: this.closing.signal }).catch(() => {
        throw closedError();
      });
    }
  }

  /** Until the container's task has ended, or at once if it has none. */
  private async waitTask(id: string): Promise<void> {
    await this.client
      .unary('tasks', 'Wait', { containerId: id }, { timeoutMs: 0, signal: this.closing.signal })
      .catch(async (err: unknown) => {
        if (this.closing.signal.aborted) throw closedError();
        if (isFlotillaError(err, 'NOT_FOUND')) return;
        if (!SHIM_GONE.test((err as Error).message)) throw err;
        // The shim went away under the call (it crashed or was killed, and with it every task
        // of its group): containerd kills and deletes those tasks, and until it has, asking
        // for the task fails too.
        const deadline = Date.now() + SHIM_CLEANUP_MS;
        while (Date.now() < deadline) {
          const task = await unlessNotFound(
            this.client.unary<{ process: TaskProcess }>('tasks', 'Get', { containerId: id }),
          ).catch(() => null);
          if (task === undefined || task?.process.status === 'STOPPED') return;
          await delay(POLL_MS, undefined, { signal: this.closing.signal }).catch(() => {
            throw closedError();
          });
        }
        throw err;
      });
  }

  private async kill(id: string, signal: string, all: boolean): Promise<void> {
    await unlessNotFound(
      this.client.unary('tasks', 'Kill', { containerId: id, signal: signalNumber(signal), all }),
    ).catch((err: unknown) => {
      // The task exited between our look and the signal.
      if (!isFlotillaError(err, 'CONFLICT')) throw err;
    });
  }

  private async load(id: string): Promise<{ record: Record_; summary: ContainerSummary }> {
    if (!ID_PATTERN.test(id)) throw notFound('container', id);
    const found = await unlessNotFound(
      this.client.unary<{ container: Record_ }>('containers', 'Get', { id }),
    );
    if (!found) throw notFound('container', id);
    const task = await unlessNotFound(
      this.client.unary<{ process: TaskProcess }>('tasks', 'Get', { containerId: id }),
    );
    const record = found.container;
    return { record, summary: await this.summarize(record, task?.process) };
  }

  private async summarize(record: Record_, task: TaskProcess | undefined): Promise<ContainerSummary> {
    let labels = record.labels;
    const ip = labels[L.ip];
    if (task?.status === 'STOPPED' || (task === undefined && labels[L.startedAt] && !labels[L.exitCode])) {
      labels = await this.settle(record.id, task);
    }
    const base = {
      id: record.id,
      image: labels[L.image] ?? record.image,
      labels: userLabels(labels),
      createdAt: timestampMs(record.createdAt),
      ...(labels[L.pid] && { pid: Number(labels[L.pid]) }),
      ...(labels[L.startedAt] && { startedAt: Number(labels[L.startedAt]) }),
      ...(ip && { ip, addresses: addressesOf(ip, labels[L.ports]) }),
    };
    if (labels[L.exitCode] !== undefined) {
      const exit = exitStatusOf(Number(labels[L.exitCode]), Number(labels[L.finishedAt]));
      return { ...base, state: 'exited', exit };
    }
    if (task && (task.status === 'RUNNING' || task.status === 'PAUSED' || task.status === 'PAUSING')) {
      return { ...base, state: 'running', pid: task.pid };
    }
    return { ...base, state: 'created' };
  }

  /**
   * Deletes an exited task (flushing its logs, unmounting its root) and records its exit in
   * labels; returns the container's labels then.
   */
  private settle(id: string, task: TaskProcess | undefined): Promise<Record<string, string>> {
    return singleFlight(this.settles, id, async () => {
      const deleted = await unlessNotFound(
        this.client.unary<{ exitStatus: number; exitedAt: TaskProcess['exitedAt'] }>('tasks', 'Delete', {
          containerId: id,
        }),
      ).catch(async (err: unknown) => {
        // Another driver (a second agent, a tool) deleting it at once: its shim goes away
        // under our call, which then fails with something other than NOT_FOUND.
        const task = await unlessNotFound(this.client.unary('tasks', 'Get', { containerId: id }));
        if (task !== undefined) throw err;
        return undefined;
      });
      const current = (await this.client.unary<{ container: Record_ }>('containers', 'Get', { id }))
        .container;
      if (current.labels[L.exitCode] !== undefined) return current.labels; // settled by another agent or call
      // A task that vanished without our seeing its end (containerd lost it) reads as killed.
      const exitCode = deleted?.exitStatus ?? task?.exitStatus ?? 128 + signalNumber('SIGKILL');
      const finishedAt = timestampMs(deleted?.exitedAt ?? task?.exitedAt) || Date.now();
      const labels = await this.setLabels(id, {
        [L.exitCode]: String(exitCode),
        [L.finishedAt]: String(finishedAt),
      });
      this.logger?.debug({ id, exitCode }, 'containerd container exited');
      return labels;
    });
  }

  /** Sets these labels (keeping the others); returns all of the container's labels then. */
  private async setLabels(id: string, labels: Record<string, string>): Promise<Record<string, string>> {
    const { container } = await this.client.unary<{ container: Record_ }>('containers', 'Update', {
      container: { id, labels },
      updateMask: { paths: Object.keys(labels).map((k) => `labels.${k}`) },
    });
    return container.labels;
  }

  private logDir(id: string): string {
    return join(this.root, id);
  }

  private installedLogger(): Promise<string> {
    this.loggerPath ??= installLogger(this.root);
    return this.loggerPath;
  }
}

/** Where each port of a container on the bridge answers. */
function addressesOf(ip: string, ports: string | undefined): Record<number, string> {
  return Object.fromEntries((JSON.parse(ports ?? '[]') as number[]).map((p) => [p, `${ip}:${p}`]));
}

/** Labels from the spec, without ours. */
function userLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith(OWN)));
}

/** The host directories of a snapshot's layers, top first (for reading the image's /etc/passwd). */
function layerDirs(mounts: { source: string; options: string[] }[]): string[] {
  const dirs: string[] = [];
  for (const m of mounts) {
    for (const option of m.options) {
      if (option.startsWith('upperdir=')) dirs.push(option.slice('upperdir='.length));
      if (option.startsWith('lowerdir=')) dirs.push(...option.slice('lowerdir='.length).split(':'));
    }
    if (m.options.includes('rbind') || m.options.includes('bind')) dirs.push(m.source);
  }
  return dirs;
}

async function ensureLogFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(['stdout.log', 'stderr.log'].map(async (f) => (await open(join(dir, f), 'a')).close()));
}

let swapAccounted: Promise<boolean> | undefined;
/** cgroup v1 accounts swap only with swapaccount=1; then the memory limit covers swap too. */
function swapAccounting(): Promise<boolean> {
  swapAccounted ??= access('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes').then(
    () => true,
    () => false,
  );
  return swapAccounted;
}

/** Both results once both have settled (so that a failure's cleanup never races the other), or the first error. */
async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

function closedError(): FlotillaError {
  return new FlotillaError('CANCELLED', 'the containerd driver was closed');
}
