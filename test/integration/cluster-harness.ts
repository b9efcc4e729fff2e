/**
 * Runs real Flotilla nodes as separate processes on loopback, through the `cluster` CLI,
 * for integration tests.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths, processAlive as alive, readIdentity } from '../../daemon/data-dir.js';
import { SECRETS_BASE } from '../../worker/secret-files.js';
import { splitHostPort } from '../../worker/addr.js';
import { removeMeshTable } from '../../worker/mesh/kernel-mesh.js';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { TlsCredentials } from '../../proto/tls.js';
import type { Node } from '../../proto/types.js';
import { processesMentioning, unmountAndRemove } from './host-tools.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** `input`: what the command reads on stdin (none: stdin is closed at once). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** The arguments of `cluster service create` for a detached service of `sleep seconds` processes. */
export function sleeperService(name: string, seconds = 100_000): string[] {
  return ['service', 'create', '-d', '--name', name, 'host', 'sleep', String(seconds)];
}

export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Process-group ids of the tasks that the process runtime of the node in `dataDir` started and that still run. */
export async function runningTaskGroupsIn(dataDir: string): Promise<number[]> {
  const root = paths(dataDir).processRuntime;
  const ids = await readdir(root).catch(() => [] as string[]);
  const groups: number[] = [];
  for (const id of ids) {
    const pid = Number(await readFile(join(root, id, 'pid'), 'utf8').catch(() => '0'));
    if (pid > 0 && alive(pid)) groups.push(pid);
  }
  return groups;
}

export interface ClusterOptions {
  /**
   * Each node on a loopback address of its own, as separate machines would be: what each
   * node's mesh listens on is then its own. Default: every node on 127.0.0.1.
   */
  distinctHosts?: boolean;
  /** The address every node listens on (a routed one, say), instead of a loopback host. */
  host?: string;
}

/**
 * Loopback hosts handed out so far by this process: 127.77.<pid % 256>.<n>, so that clusters
 * of one test file, and of test files that run at the same time, never share a host.
 */
let lastHost = 0;

export class LocalCluster {
  readonly nodes = new Map<string, { dataDir: string; addr: string }>();
  /** Daemons started by restart(), killed by destroy() even if they never wrote their pid file. */
  private readonly restarted = new Set<number>();

  private constructor(
    readonly root: string,
    private readonly opts: ClusterOptions,
  ) {}

  static async create(opts: ClusterOptions = {}): Promise<LocalCluster> {
    return new LocalCluster(await mkdtemp(join(tmpdir(), 'flotilla-it-')), opts);
  }

  /** The address for a new node: the given host, 127.0.0.1, or a loopback host of its own, with a free port. */
  private async newAddr(): Promise<string> {
    const host =
      this.opts.host ??
      (this.opts.distinctHosts ? `127.77.${process.pid % 256}.${(lastHost++ % 254) + 1}` : '127.0.0.1');
    return `${host}:${await freePort(host)}`;
  }

  dataDir(name: string): string {
    return join(this.root, name);
  }

  async init(name: string, ...extra: string[]): Promise<CliResult> {
    const addr = await this.newAddr();
    this.nodes.set(name, { dataDir: this.dataDir(name), addr });
    const res = await runCli(['init', ...this.nodeArgs(name, addr), ...extra]);
    if (res.code !== 0) return res;
    // The tests' CLI reaches managers over TCP as an admin client, as a remote user would.
    const issued = await runCli([
      '--data-dir',
      this.dataDir(name),
      'ca',
      'issue-client',
      '--out',
      this.certPath,
    ]);
    return issued.code === 0 ? res : issued;
  }

  /** What init and join say of the node: its data dir, its address and its name. */
  private nodeArgs(name: string, addr: string): string[] {
    return ['--data-dir', this.dataDir(name), '--listen', addr, '--hostname', name];
  }

  /** The admin client certificate the tests' CLI shows managers (`--cert-path`). */
  get certPath(): string {
    return join(this.root, 'admin-client');
  }

  /** The same certificate, for a gRPC client in the test's own process. */
  adminTls(): TlsCredentials {
    return new TlsCredentials(readTlsDir(this.certPath));
  }

  async join(name: string, manager: string, token: string, ...extra: string[]): Promise<CliResult> {
    const addr = await this.newAddr();
    const res = await runCli([
      'join',
      ...this.nodeArgs(name, addr),
      '--token',
      token,
      ...extra,
      this.addr(manager),
    ]);
    if (res.code === 0) this.nodes.set(name, { dataDir: this.dataDir(name), addr });
    return res;
  }

  /**
   * Joins a manager with the manager token of `via`, then waits until the leader sees it
   * Reachable: until then the group may lack a quorum, and the next join could fail.
   */
  async joinManager(name: string, via: string): Promise<CliResult> {
    const token = await runCli(['--data-dir', this.dataDir(via), 'join-token', 'manager', '-q']);
    if (token.code !== 0) return token;
    const res = await this.join(name, via, token.stdout.trim());
    if (res.code !== 0) return res;
    await eventually(`${name} reachable`, async () => {
      const nodes = await this.json<Node[]>(via, 'node', 'ls', '--format', 'raw');
      return nodes.some(
        (n) => n.description?.hostname === name && n.managerStatus?.reachability === 'REACHABLE',
      );
    });
    return res;
  }

  addr(name: string): string {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n.addr;
  }

  /** The CLI's arguments that reach a manager over TCP as an admin client. */
  admin(manager: string): string[] {
    return ['--host', this.addr(manager), '--cert-path', this.certPath];
  }

  /** The CLI against a manager over TCP. */
  cli(manager: string, ...args: string[]): Promise<CliResult> {
    return runCli([...this.admin(manager), ...args]);
  }

  async json<T>(manager: string, ...args: string[]): Promise<T> {
    const res = await this.cli(manager, ...args);
    if (res.code !== 0) throw new Error(`cluster ${args.join(' ')} failed: ${res.stderr}`);
    return JSON.parse(res.stdout) as T;
  }

  async daemonPid(name: string): Promise<number> {
    return Number(await readFile(paths(this.dataDir(name)).pid, 'utf8'));
  }

  /** Starts a stopped node again from its data dir, as systemd would (detached, logging to its data dir). */
  restart(name: string): void {
    // What the daemon prints before its logger is up goes to the log too.
    const log = openSync(join(this.dataDir(name), 'daemon.log'), 'a');
    const child = spawn(process.execPath, [cli, 'daemon', '--data-dir', this.dataDir(name)], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    if (child.pid) this.restarted.add(child.pid);
    child.unref();
  }

  /** Sends the node's daemon a signal and waits until it has exited. Returns its pid. */
  async stop(name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number> {
    const pid = await this.daemonPid(name);
    process.kill(pid, signal);
    await eventually(`${name} stopped`, async () => !alive(pid));
    return pid;
  }

  /** Process-group ids of the tasks a node's process runtime has started that still run. */
  runningTaskGroups(name: string): Promise<number[]> {
    return runningTaskGroupsIn(this.dataDir(name));
  }

  async destroy(): Promise<void> {
    const nodeIds: string[] = [];
    for (const name of this.nodes.keys()) {
      const identity = await readIdentity(this.dataDir(name)).catch(() => undefined);
      if (identity) nodeIds.push(identity.nodeId);
    }
    for (const pid of this.restarted) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const name of this.nodes.keys()) {
      const pid = await this.daemonPid(name).catch(() => 0);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      for (const g of await this.runningTaskGroups(name)) killGroup(g);
    }
    // A killed daemon leaves its mesh's nftables table behind.
    for (const { addr } of this.nodes.values()) {
      const { host, port } = splitHostPort(addr);
      await removeMeshTable([host], port);
    }
    // A task a daemon started as it was killed may have no pid file yet; its wrapper still
    // names its directory under the root.
    for (const pid of await processesMentioning(this.root)) {
      killGroup(pid);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    // Containers' network namespaces are mounts in the data dirs.
    await unmountAndRemove(this.root);
    // The nodes' secret files, which a killed daemon leaves on the tmpfs.
    for (const id of nodeIds) await rm(join(SECRETS_BASE, id), { recursive: true, force: true });
  }
}

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
