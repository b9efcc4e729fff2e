/**
 * The process runtime driver: image `host` means "no image, run the command as a plain process
 * on the node". Each container is a /bin/sh wrapper (see wrapper.ts) spawned detached in its
 * own session and process group, with its output in log files; all state lives in files under
 * `<root>/<id>/` (see container-files.ts), so the processes outlive the agent and a restarted
 * agent adopts them with list(), wait() and stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
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
  RuntimeDriver,
  Stats,
} from '../driver.js';
import { FlotillaError, invalidArgument, isFlotillaError, notFound } from '../../lib/errors.js';
import { diskFull, isNoSpace } from '../../lib/disk-full.js';
import { HOST_IMAGE } from '../../proto/types.js';
import { ContainerFiles, type RecordedExit, type StoredSpec } from './container-files.js';
import { validateContainerSpec } from '../container-spec.js';
import { readLogFiles, timesFile } from '../log-file.js';
import { groupMembers, readCmdline, systemUnits } from '../proc.js';
import { runCaptured, SYSTEM_PATH } from '../run-captured.js';
import { resolveUser, type ResolvedUser } from '../users.js';
import { isWrapperCmdline, wrapperArgs } from './wrapper.js';
import { exitStatusOf, hasLabels, settlesWithin, signalNumber, singleFlight } from '../driver-util.js';

const ID_PATTERN = /^[0-9a-f]{32}$/;
/** The base environment of a container; the spec's env goes on top. */
/** How often adopted processes (not children of this agent) and followed logs are checked. */
const POLL_MS = 200;

export interface ProcessDriverOptions {
  /** Directory (under the node's data dir) holding one subdirectory per container. */
  root: string;
  logger?: DriverLogger;
}

interface Loaded {
  files: ContainerFiles;
  spec: StoredSpec;
  summary: ContainerSummary;
}

export class ProcessDriver implements RuntimeDriver {
  readonly name = 'process';
  private readonly root: string;
  private readonly logger: DriverLogger | undefined;
  /** Wrappers this instance spawned, until their exit is recorded on disk. */
  private readonly children = new Map<string, { process: ChildProcess; recorded: Promise<void> }>();
  private readonly waits = new Map<string, Promise<ExitStatus>>();
  private readonly starts = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();
  /** Exits that could not be written to the container's `exit` file: the disk was full. */
  private readonly unsavedExits = new Map<string, RecordedExit>();
  /** Each container's secretEnv, from create to remove: never on disk. */
  private readonly secretEnvs = new Map<string, Record<string, string>>();

  constructor(opts: ProcessDriverOptions) {
    this.root = resolve(opts.root);
    this.logger = opts.logger;
  }

  canRun(image: string): boolean {
    return image === HOST_IMAGE;
  }

  async ensureImage(ref: string, _signal?: AbortSignal): Promise<void> {
    if (!this.canRun(ref)) {
      throw invalidArgument(
        'image',
        `"${HOST_IMAGE}" (the process driver runs commands without images)`,
        ref,
      );
    }
  }

  async create(spec: ContainerSpec): Promise<string> {
    validateContainerSpec(spec);
    await this.ensureImage(spec.image);
    // Resolved again at start; here so that an unknown user fails before anything is written.
    if (spec.user) await resolveUser(spec.user);
    const id = randomBytes(16).toString('hex');
    const files = this.files(id);
    try {
      await mkdir(this.root, { recursive: true });
      await mkdir(files.dir);
      await Promise.all([files.stdout, files.stderr].map(async (path) => (await open(path, 'a')).close()));
      // Written last: a directory without spec.json is an unfinished create, which list() skips.
      const { secretEnv, ...stored } = spec;
      const secretEnvNames = secretEnv && Object.keys(secretEnv);
      await files.writeSpec({
        ...stored,
        ...(secretEnvNames?.length && { secretEnvNames }),
        createdAt: Date.now(),
      });
      if (secretEnv) this.secretEnvs.set(id, secretEnv);
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      await rm(files.dir, { recursive: true, force: true });
      throw diskFull(this.root, 'this node cannot make the files of a new task', err);
    }
    this.logger?.debug({ id, labels: spec.labels }, 'process container created');
    return id;
  }

  /** Starts a created container; a no-op if it already runs. */
  start(id: string): Promise<void> {
    return singleFlight(this.starts, id, () => this.spawnWrapper(id));
  }

  wait(id: string): Promise<ExitStatus> {
    return singleFlight(this.waits, id, () => this.watchExit(id));
  }

  async stop(id: string, graceMs: number): Promise<void> {
    const { spec, summary } = await this.load(id);
    if (summary.pid === undefined) return; // never started: nothing to stop
    if (summary.state === 'running') {
      const exited = this.wait(id);
      const signal = spec.stopSignal ?? 'SIGTERM';
      this.logger?.info({ id, pid: summary.pid, signal, graceMs }, 'stopping process container');
      // Watched before the signal goes out: the exit (or a failure to learn it) may come meanwhile.
      const inTime = settlesWithin(exited, graceMs);
      await this.signalGroup(id, summary.pid, signal);
      if (!(await inTime)) {
        this.logger?.warn(
          { id, pid: summary.pid, graceMs },
          `no exit within grace period after ${signal}; killing`,
        );
        await this.signalGroup(id, summary.pid, 'SIGKILL');
      }
      await exited;
    }
    await this.killLeftovers(id, summary.pid);
  }

  async remove(id: string): Promise<void> {
    const { files, summary } = await this.load(id);
    if (summary.state === 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is running; stop it before removing it`);
    }
    if (summary.pid !== undefined) await this.killLeftovers(id, summary.pid);
    await rm(files.dir, { recursive: true, force: true });
    this.unsavedExits.delete(id);
    this.secretEnvs.delete(id);
    this.logger?.debug({ id }, 'process container removed');
  }

  async inspect(id: string): Promise<ContainerSummary> {
    return (await this.load(id)).summary;
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const found = await Promise.all(
      names.filter((name) => ID_PATTERN.test(name)).map((id) => this.inspectForList(id)),
    );
    return found
      .filter((c): c is ContainerSummary => c !== undefined && hasLabels(c.labels, labels))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async *logs(id: string, opts: LogOptions): AsyncIterable<LogLine> {
    const { files } = await this.load(id);
    yield* readLogFiles(
      [
        { stream: 'stdout', path: files.stdout },
        { stream: 'stderr', path: files.stderr },
      ],
      opts,
      async () => (await this.load(id)).summary.state === 'exited',
      this.closing.signal,
      POLL_MS,
    );
  }

  async exec(id: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const [program, ...args] = cmd;
    if (program === undefined || program === '') throw invalidArgument('cmd', 'a non-empty command', cmd);
    const { files, spec, summary } = await this.load(id);
    if (summary.state !== 'running') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} is not running (${summary.state})`);
    }
    const user = spec.user ? await resolveUser(spec.user) : undefined;
    return runCaptured([program, ...args], {
      cwd: spec.workdir ?? files.dir,
      env: containerEnv(spec, user, this.secretEnvs.get(id)),
      ...(user && { uid: user.uid, gid: user.gid }),
      timeoutMs: opts.timeoutMs,
    });
  }

  async stats(id: string): Promise<Stats> {
    const { summary } = await this.load(id);
    if (summary.state !== 'running' || summary.pid === undefined) return { cpuSeconds: 0, memoryBytes: 0 };
    const [members, units] = await Promise.all([groupMembers(summary.pid), systemUnits()]);
    let ticks = 0;
    let pages = 0;
    for (const p of members) {
      ticks += p.cpuTicks;
      pages += p.rssPages;
    }
    return { cpuSeconds: ticks / units.clockTicksPerSecond, memoryBytes: pages * units.pageSize };
  }

  /** Pending wait()s reject with CANCELLED and followed logs end; the containers keep running. */
  async close(): Promise<void> {
    this.closing.abort();
  }

  private files(id: string): ContainerFiles {
    if (!ID_PATTERN.test(id)) throw notFound('container', id);
    return new ContainerFiles(join(this.root, id));
  }

  private async load(id: string): Promise<Loaded> {
    const files = this.files(id);
    const spec = await files.readSpec();
    if (!spec) throw notFound('container', id);
    const base = { id, image: spec.image, labels: spec.labels, createdAt: spec.createdAt };
    const started = await files.readPid();
    if (!started) return { files, spec, summary: { ...base, state: 'created' } };
    const exit = await this.exitOf(id, files, started.pid);
    const summary: ContainerSummary = {
      ...base,
      state: exit ? 'exited' : 'running',
      pid: started.pid,
      startedAt: started.startedAt,
      ...(exit && { exit }),
    };
    return { files, spec, summary };
  }

  /** The exit status, or undefined while the wrapper runs. */
  private async exitOf(id: string, files: ContainerFiles, pid: number): Promise<ExitStatus | undefined> {
    let recorded = this.unsavedExits.get(id) ?? (await files.readExit());
    if (!recorded) {
      if (await this.isWrapperAlive(id, pid)) return undefined;
      // The wrapper is gone: it wrote the exit file after the read above, or it was killed
      // before it could (then its exit event, if it was our child, or else SIGKILL is the answer).
      await this.children.get(id)?.recorded;
      recorded =
        this.unsavedExits.get(id) ??
        (await files.readExit()) ??
        (await this.recordExit(id, files, 128 + signalNumber('SIGKILL')));
    }
    return exitStatusOf(recorded.exitCode, recorded.finishedAt);
  }

  private async recordExit(id: string, files: ContainerFiles, exitCode: number): Promise<RecordedExit> {
    // Expected after a SIGKILL (stop past its grace period); otherwise someone killed the wrapper.
    this.logger?.info({ id, exitCode }, 'the wrapper died before recording the exit status; recording it');
    try {
      await files.writeExit(exitCode);
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      // Known all the same: kept here, so that the task still ends, stops and is removed as
      // it should. Only an agent restarted before it is removed takes it for killed.
      const unsaved = { exitCode, finishedAt: Date.now() };
      this.unsavedExits.set(id, unsaved);
      this.logger?.warn({ id, exitCode }, 'the disk is full: the exit status is kept in memory only');
      return unsaved;
    }
    const recorded = await files.readExit();
    if (!recorded) throw new FlotillaError('INTERNAL', `exit file of container ${id} vanished`);
    return recorded;
  }

  private async isWrapperAlive(id: string, pid: number): Promise<boolean> {
    const argv = await readCmdline(pid);
    return argv !== undefined && isWrapperCmdline(argv, id);
  }

  private async spawnWrapper(id: string): Promise<void> {
    const { files, spec, summary } = await this.load(id);
    if (summary.state === 'running') return;
    if (summary.state === 'exited') {
      throw new FlotillaError('INVALID_ARGUMENT', `container ${id} has already run; create a new one`);
    }
    const secretEnv = this.secretEnvs.get(id);
    if (spec.secretEnvNames && !secretEnv) {
      throw new FlotillaError(
        'INVALID_ARGUMENT',
        `container ${id} cannot start: the values of ${spec.secretEnvNames.join(', ')} were held in memory by the daemon that created it; create it again`,
      );
    }
    const cwd = spec.workdir ?? files.dir;
    if (!(await isDirectory(cwd))) throw invalidArgument('workdir', 'an existing directory', cwd);
    const user = spec.user ? await resolveUser(spec.user) : undefined;
    if (user) await letWrapperRecordExit(files.dir, user);

    // The output and, on fds 3 and 4, when it was written: opened here, for a wrapper whose
    // user may not reach the container directory.
    const outputs = await Promise.all(
      [files.stdout, files.stderr, timesFile(files.stdout), timesFile(files.stderr)].map((path) =>
        open(path, 'a'),
      ),
    );
    const child = spawn('/bin/sh', wrapperArgs(files.exit, spec.command, spec.stopSignal ?? 'SIGTERM'), {
      cwd,
      env: containerEnv(spec, user, secretEnv),
      ...(user && { uid: user.uid, gid: user.gid }),
      // Its own session and process group: it survives the agent, and stop() signals the group.
      detached: true,
      stdio: ['ignore', ...outputs.map((file) => file.fd)],
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.once('exit', (code, signal) => done([code, signal])),
    );
    try {
      await new Promise<void>((spawned, failed) => child.once('spawn', spawned).once('error', failed));
    } catch (cause) {
      throw new FlotillaError('INTERNAL', `cannot run /bin/sh for container ${id}`, { cause });
    } finally {
      await Promise.all(outputs.map((file) => file.close()));
    }
    child.unref();
    const pid = child.pid as number;
    const pidWritten = files.writePid(pid);
    this.children.set(id, {
      process: child,
      recorded: this.recordChildExit(id, files, pid, exited, pidWritten),
    });
    try {
      await pidWritten;
    } catch (cause) {
      await this.signalGroup(id, pid, 'SIGKILL');
      throw new FlotillaError('INTERNAL', `cannot record the pid of container ${id}`, { cause });
    }
    this.logger?.info({ id, pid, command: spec.command }, 'process container started');
  }

  /** Our child's exit: the wrapper recorded it, unless it was killed first; then its exit event tells. */
  private async recordChildExit(
    id: string,
    files: ContainerFiles,
    pid: number,
    exited: Promise<[number | null, NodeJS.Signals | null]>,
    pidWritten: Promise<void>,
  ): Promise<void> {
    const [code, signal] = await exited;
    try {
      await pidWritten;
      if (!(await files.readExit()))
        await this.recordExit(id, files, code ?? 128 + signalNumber(signal ?? 'SIGKILL'));
      await this.killLeftovers(id, pid);
      this.logger?.debug({ id, pid, code, signal }, 'process container exited');
    } catch (err) {
      this.logger?.error({ id, pid, err }, 'cannot record the exit of a process container');
    } finally {
      this.children.delete(id);
    }
  }

  private async watchExit(id: string): Promise<ExitStatus> {
    for (;;) {
      const child = this.children.get(id);
      if (child) {
        // Unreferenced so that the agent can exit, but someone waits for it now.
        child.process.ref();
        try {
          await this.unlessClosed(child.recorded);
        } finally {
          child.process.unref();
        }
      }
      const { summary } = await this.load(id);
      if (summary.exit && summary.pid !== undefined) {
        await this.killLeftovers(id, summary.pid);
        return summary.exit;
      }
      await delay(POLL_MS, undefined, { signal: this.closing.signal }).catch(() => {
        throw closedError();
      });
    }
  }

  /** Like a container runtime, ends the processes the main one left behind when it exited. */
  private killLeftovers(id: string, pid: number): Promise<void> {
    return this.signalGroup(id, pid, 'SIGKILL');
  }

  /** Signals the container's process group, unless its pid now belongs to some other live process. */
  private async signalGroup(id: string, pid: number, signal: NodeJS.Signals): Promise<void> {
    const leader = await readCmdline(pid);
    if (leader !== undefined && leader.length > 0 && !isWrapperCmdline(leader, id)) return;
    try {
      process.kill(-pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  private async unlessClosed<T>(work: Promise<T>): Promise<T> {
    const signal = this.closing.signal;
    if (signal.aborted) throw closedError();
    let onAbort = (): void => undefined;
    const closed = new Promise<never>((_, reject) => {
      onAbort = () => reject(closedError());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, closed]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** inspect() for list(): containers removed meanwhile or unreadable are left out. */
  private async inspectForList(id: string): Promise<ContainerSummary | undefined> {
    try {
      return await this.inspect(id);
    } catch (err) {
      if (isFlotillaError(err, 'NOT_FOUND')) return undefined;
      if (isFlotillaError(err, 'CORRUPT')) {
        this.logger?.warn({ id, err }, 'skipping unreadable process container');
        return undefined;
      }
      throw err;
    }
  }
}

function containerEnv(
  spec: StoredSpec,
  user: ResolvedUser | undefined,
  secretEnv: Record<string, string> | undefined,
): Record<string, string> {
  return { PATH: SYSTEM_PATH, HOME: user?.home ?? homedir(), ...spec.env, ...secretEnv };
}

/**
 * The wrapper runs as the container's user and renames its exit file into the container
 * directory, so that directory's group becomes the user's, with write access. The sticky bit
 * keeps the user from replacing the agent's own files there (spec.json, pid). The directories
 * above it must let the user through, which a node's data dir (0700) does not: there the agent
 * records the exit status the wrapper exits with instead (see wrapper.ts).
 */
async function letWrapperRecordExit(dir: string, user: ResolvedUser): Promise<void> {
  await chown(dir, process.getuid?.() ?? 0, user.gid);
  await chmod(dir, 0o1775);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function closedError(): FlotillaError {
  return new FlotillaError('CANCELLED', 'the process driver was closed');
}
