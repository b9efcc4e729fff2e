/**
 * The docker runtime driver: containers through a node's Docker Engine API (dockerode), in
 * the node's network namespace like the containerd driver's. Docker keeps all state (labels,
 * exit codes, logs in its json-file log driver), so a new driver instance adopts what an old
 * one started. Containers carry the label flotilla.driver/managed so that nothing else the
 * engine runs is touched.
 */
import Docker from 'dockerode';
import { createReadStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import type {
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DriverLogger,
  ExecOptions,
  ExecResult,
  ExitStatus,
  ImageOps,
  ImageSummary,
  LogLine,
  LogOptions,
  RegistryAuth,
  RuntimeDriver,
  Stats,
} from '../driver.js';
import {
  FlotillaError,
  invalidArgument,
  isFlotillaError,
  notFound,
  type ErrorCode,
} from '../../lib/errors.js';
import { HOST_IMAGE } from '../../proto/types.js';
import { validateContainerSpec } from '../container-spec.js';
import { exitStatusOf, killedAfter, pullFailed, settlesWithin, unlessRemoved } from '../driver-util.js';
import { killDescendants } from '../proc.js';
import { collectOutput, demuxLines } from './docker-streams.js';

const ID_PATTERN = /^[0-9a-f]{64}$/;
const POLL_MS = 200;
// The engine records an exec's process and its exit a moment after the fact: how often to
// ask, and for how long.
const EXEC_POLL_MS = 10;
const EXEC_SETTLE_MS = 5_000;
const OWN = 'flotilla.driver/';
const MANAGED = `${OWN}managed`;
const IMAGE = `${OWN}image`;

export interface DockerDriverOptions {
  socket: string;
  logger?: DriverLogger;
}

export class DockerDriver implements RuntimeDriver {
  readonly name = 'docker';
  readonly images: ImageOps;
  private readonly docker: Docker;
  private readonly logger: DriverLogger | undefined;
  private readonly closing = new AbortController();

  constructor(opts: DockerDriverOptions) {
    this.docker = new Docker({ socketPath: opts.socket });
    this.logger = opts.logger;
    this.images = new DockerImages(this.docker);
  }

  canRun(image: string): boolean {
    return image !== HOST_IMAGE && image !== '';
  }

  /** The image as the engine has it, or else pulled by the engine (with `auth` if given). */
  async ensureImage(ref: string, _signal?: AbortSignal, auth?: RegistryAuth): Promise<void> {
    if (!this.canRun(ref)) throw invalidArgument('image', 'an image reference (not "host")', ref);
    const present = await engine(this.docker.getImage(ref).inspect(), `image ${ref}`).then(
      () => true,
      (err: unknown) => {
        if (!isFlotillaError(err, 'NOT_FOUND')) throw err;
        return false;
      },
    );
    if (present) return;
    this.logger?.info({ image: ref }, 'pulling image');
    try {
      const progress = await engine(
        this.docker.pull(ref, auth ? { authconfig: auth } : {}) as Promise<Readable>,
        `pull ${ref}`,
      );
      // The engine reports a failed pull in the stream, not in the status.
      let text = '';
      for await (const chunk of progress) text += String(chunk);
      const failed = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { error?: string })
        .find((m) => m.error);
      if (failed) throw new FlotillaError('UNAVAILABLE', failed.error ?? 'pull failed');
    } catch (err) {
      throw pullFailed(ref, err);
    }
  }

  async create(spec: ContainerSpec): Promise<string> {
    validateContainerSpec(spec, { imageCommand: true });
    await this.ensureImage(spec.image);
    const { nanoCpus, memoryBytes, pids } = spec.limits ?? {};
    const container = await engine(
      this.docker.createContainer({
        Image: spec.image,
        ...(spec.command.length > 0 && { Cmd: spec.command }),
        // The secret values with the rest: the engine keeps them in its own store, as containerd does.
        Env: Object.entries({ ...spec.env, ...spec.secretEnv }).map(([k, v]) => `${k}=${v}`),
        ...(spec.workdir && { WorkingDir: spec.workdir }),
        ...(spec.user && { User: spec.user }),
        ...(spec.hostname && { Hostname: spec.hostname }),
        ...(spec.stopSignal && { StopSignal: spec.stopSignal }),
        Labels: { ...spec.labels, [MANAGED]: 'true', [IMAGE]: spec.image },
        HostConfig: {
          NetworkMode: 'host',
          ReadonlyRootfs: spec.readOnly ?? false,
          Mounts: (spec.mounts ?? []).map((m) =>
            m.type === 'tmpfs'
              ? { Type: 'tmpfs' as const, Source: '', Target: m.target, ReadOnly: m.readOnly ?? false }
              : {
                  Type: 'bind' as const,
                  Source: m.source ?? '',
                  Target: m.target,
                  ReadOnly: m.readOnly ?? false,
                },
          ),
          ...(spec.capAdd && { CapAdd: spec.capAdd }),
          ...(spec.capDrop && { CapDrop: spec.capDrop }),
          ...(nanoCpus && { NanoCpus: nanoCpus }),
          ...(memoryBytes && { Memory: memoryBytes }),
          ...(pids && { PidsLimit: pids }),
        },
      }),
      'create',
    );
    this.logger?.debug({ id: container.id, labels: spec.labels }, 'docker container created');
    return container.id;
  }

  async start(id: string): Promise<void> {
    const summary = await this.inspect(id);
    if (summary.state === 'running') return;
    if (summary.state === 'exited') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} has already run; create a new one`);
    }
    await engine(this.container(id).start(), `start ${id}`).catch((err: unknown) => {
      // 304: started meanwhile.
      if (!(err instanceof FlotillaError && err.message.includes('already started'))) throw err;
    });
  }

  async wait(id: string): Promise<ExitStatus> {
    for (;;) {
      if (this.closing.signal.aborted) throw closedError();
      const summary = await this.inspect(id);
      if (summary.exit) return summary.exit;
      if (summary.state === 'running') {
        await engine(
          this.container(id).wait({ condition: 'not-running', abortSignal: this.closing.signal } as object),
          `wait ${id}`,
        ).catch((err: unknown) => {
          if (this.closing.signal.aborted) throw closedError();
          throw err;
        });
        continue;
      }
      await delay(POLL_MS, undefined, { signal: this.closing.signal }).catch(() => {
        throw closedError();
      });
    }
  }

  async stop(id: string, graceMs: number): Promise<void> {
    const info = await this.raw(id);
    if (stateOf(info) !== 'running') return;
    const exited = this.wait(id);
    const signal = (info.Config as { StopSignal?: string }).StopSignal || 'SIGTERM';
    this.logger?.info({ id, signal, graceMs }, 'stopping docker container');
    await this.kill(id, signal);
    if (!(await settlesWithin(exited, graceMs))) {
      this.logger?.warn({ id, graceMs }, `no exit within grace period after ${signal}; killing`);
      await this.kill(id, 'SIGKILL');
    }
    await exited;
  }

  async remove(id: string): Promise<void> {
    const summary = await this.inspect(id);
    if (summary.state === 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is running; stop it before removing it`);
    }
    await engine(this.container(id).remove({ v: true }), `remove ${id}`);
  }

  async inspect(id: string): Promise<ContainerSummary> {
    return summarize(await this.raw(id));
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const label = [`${MANAGED}=true`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    const found = await engine(this.docker.listContainers({ all: true, filters: { label } }), 'list');
    const out: ContainerSummary[] = [];
    for (const c of found) {
      const summary = await unlessRemoved(this.inspect(c.Id));
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async *logs(id: string, opts: LogOptions): AsyncIterable<LogLine> {
    await this.raw(id);
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.closing.signal]) : this.closing.signal;
    const source = await engine(
      this.container(id).logs({
        stdout: true,
        stderr: true,
        timestamps: true,
        follow: opts.follow ?? false,
        ...(opts.tail !== undefined && { tail: opts.tail }),
        ...(opts.since !== undefined && { since: opts.since / 1000 }),
      } as never) as unknown as Promise<Readable | Buffer>,
      `logs ${id}`,
    );
    const stream = Buffer.isBuffer(source) ? undefined : source;
    const onAbort = (): void => {
      stream?.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const line of demuxLines(source, true)) {
        if (signal.aborted) return;
        yield line;
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream?.destroy();
    }
  }

  async exec(id: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (cmd.length === 0 || cmd[0] === '') throw invalidArgument('cmd', 'a non-empty command', cmd);
    if (stateOf(await this.raw(id)) !== 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is not running`);
    }
    const exec = await engine(
      this.container(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true }),
      `exec ${id}`,
    );
    const stream = await engine(
      exec.start({ hijack: true, stdin: false }) as unknown as Promise<Readable>,
      `exec ${id}`,
    );
    // The engine cannot stop an exec: at the timeout its process and what it started are killed
    // by their pids, as this host sees them.
    const kill = async () => {
      // On a busy engine the exec may not have a process yet at the timeout: wait for it.
      const { Pid } = await inspectExecUntil(
        exec,
        id,
        (i) => i.Pid > 0 || (!i.Running && i.ExitCode !== null),
      );
      if (!(Pid > 0)) return;
      await killDescendants(Pid);
      process.kill(Pid, 'SIGKILL');
    };
    const { value: output, timedOut } = await killedAfter(opts.timeoutMs, kill, collectOutput(stream));
    // The output has ended; the exit code is the engine's once it has recorded the exit.
    const { ExitCode } = await inspectExecUntil(exec, id, (i) => !i.Running);
    return { exitCode: ExitCode ?? 0, ...output, ...(timedOut ? { timedOut } : {}) };
  }

  async stats(id: string): Promise<Stats> {
    if (stateOf(await this.raw(id)) !== 'running') return { cpuSeconds: 0, memoryBytes: 0 };
    const s = (await engine(this.container(id).stats({ stream: false }), `stats ${id}`)) as unknown as {
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
      memory_stats?: { usage?: number };
    };
    return {
      cpuSeconds: (s.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
      memoryBytes: s.memory_stats?.usage ?? 0,
    };
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  /** Whether the engine answers. */
  async ping(): Promise<void> {
    await engine(this.docker.ping(), 'ping');
  }

  private container(id: string): Docker.Container {
    return this.docker.getContainer(id);
  }

  private async raw(id: string): Promise<Docker.ContainerInspectInfo> {
    if (!ID_PATTERN.test(id)) throw notFound('container', id);
    const info = await engine(this.container(id).inspect(), `inspect ${id}`).catch((err: unknown) => {
      if (isFlotillaError(err, 'NOT_FOUND')) throw notFound('container', id);
      throw err;
    });
    if (info.Config.Labels?.[MANAGED] !== 'true') throw notFound('container', id);
    return info;
  }

  private async kill(id: string, signal: string): Promise<void> {
    await engine(this.container(id).kill({ signal }), `kill ${id}`).catch((err: unknown) => {
      // Exited between our look and the signal.
      if (!isFlotillaError(err, 'CONFLICT')) throw err;
    });
  }
}

class DockerImages implements ImageOps {
  constructor(private readonly docker: Docker) {}

  async load(path: string, progress?: (done: number, total: number) => void): Promise<string[]> {
    const res = (await engine(this.docker.loadImage(createReadStream(path)), 'load')) as unknown as Readable;
    let text = '';
    for await (const chunk of res) text += String(chunk);
    progress?.(1, 1);
    const names: string[] = [];
    for (const line of text.split('\n').filter(Boolean)) {
      const msg = JSON.parse(line) as { stream?: string; error?: string };
      if (msg.error) throw new FlotillaError('INVALID_ARGUMENT', `docker load: ${msg.error}`);
      const name = /Loaded image: (\S+)/.exec(msg.stream ?? '')?.[1];
      if (name) names.push(name);
    }
    return names;
  }

  async list(): Promise<ImageSummary[]> {
    const images = await engine(this.docker.listImages(), 'images');
    return images.flatMap((i) =>
      (i.RepoTags ?? [])
        .filter((t) => t !== '<none>:<none>')
        .map((name) => ({ name, digest: i.Id, size: i.Size, createdAt: i.Created * 1000 })),
    );
  }

  async remove(ref: string): Promise<void> {
    await engine(this.docker.getImage(ref).remove(), `image rm ${ref}`);
  }
}

function stateOf(info: Docker.ContainerInspectInfo): ContainerState {
  const s = info.State.Status;
  if (s === 'created') return 'created';
  if (s === 'exited' || s === 'dead') return 'exited';
  return 'running';
}

function summarize(info: Docker.ContainerInspectInfo): ContainerSummary {
  const labels = Object.fromEntries(
    Object.entries(info.Config.Labels ?? {}).filter(([k]) => !k.startsWith(OWN)),
  );
  const state = stateOf(info);
  const started = Date.parse(info.State.StartedAt);
  const base = {
    id: info.Id,
    image: info.Config.Labels?.[IMAGE] ?? info.Config.Image,
    labels,
    state,
    createdAt: Date.parse(info.Created),
    ...(info.State.Pid > 0 && { pid: info.State.Pid }),
    ...(started > 0 && { startedAt: started }),
  };
  if (state !== 'exited') return base;
  return { ...base, exit: exitStatusOf(info.State.ExitCode, Date.parse(info.State.FinishedAt)) };
}

const fromStatus: Record<number, ErrorCode> = {
  304: 'CONFLICT',
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/** The engine's answer, or its error as a FlotillaError. */
async function engine<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const e = err as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
    const message = e.json?.message ?? e.message ?? String(err);
    const code: ErrorCode =
      e.statusCode !== undefined
        ? (fromStatus[e.statusCode] ?? 'INTERNAL')
        : e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? 'UNAVAILABLE'
          : 'INTERNAL';
    throw new FlotillaError(code, `docker ${what}: ${message}`, { cause: err });
  }
}

/** Inspects an exec until `settled` holds, or EXEC_SETTLE_MS pass: then the last answer. */
async function inspectExecUntil(
  exec: Docker.Exec,
  id: string,
  settled: (info: Docker.ExecInspectInfo) => boolean,
): Promise<Docker.ExecInspectInfo> {
  const deadline = Date.now() + EXEC_SETTLE_MS;
  for (;;) {
    const info = await engine(exec.inspect(), `exec ${id}`);
    if (settled(info) || Date.now() >= deadline) return info;
    await delay(EXEC_POLL_MS);
  }
}

function closedError(): FlotillaError {
  return new FlotillaError('CANCELLED', 'the docker driver was closed');
}
