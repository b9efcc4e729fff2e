/**
 * A lab's life: up (network, containerds, then the ordinary `cluster init` and `cluster join`
 * inside the hosts), a host's power cut and restart, and down.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { FlotillaError, describeError, isFlotillaError } from '../../lib/errors.js';
import { unmountAndRemove } from '../../lib/mounts.js';
import {
  deleteContainerdTasks,
  privateContainerdFiles,
  startPrivateContainerd,
} from '../../runtime/containerd/private-containerd.js';
import { runCaptured } from '../../runtime/run-captured.js';
import type { Node } from '../../proto/types.js';
import { clusterCommand, startInBackground } from '../daemon-process.js';
import {
  environment,
  freeIndex,
  hostPids,
  inHost,
  killHost,
  makeBridge,
  makeHostNetwork,
  netnsNames,
  removeNetwork,
  requireTools,
} from './hosts.js';
import {
  createLabState,
  whilePlanning,
  labExists,
  listLabs,
  planLab,
  removeLabState,
  type Lab,
  type LabHost,
  type LabRuntime,
} from './state.js';

/** The port nodes listen on by default (`cluster init | join --listen`). */
const NODE_PORT = 4240;

type Progress = (line: string) => void;

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new FlotillaError('PERMISSION_DENIED', 'cluster lab needs root (network namespaces)');
  }
}

/**
 * A command as it runs inside the host: in its network namespace, with CLUSTER_DATA_DIR set to
 * its node's data dir; `cluster` is this very program.
 */
export function hostCommand(
  host: LabHost,
  argv: string[],
): { argv: [string, ...string[]]; env: Record<string, string> } {
  const cmd = argv[0] === 'cluster' ? [...clusterCommand, ...argv.slice(1)] : argv;
  return { argv: [...inHost(host), ...cmd], env: environment({ CLUSTER_DATA_DIR: host.dataDir }) };
}

/** Runs `cluster ARGS` inside the host and returns its output; throws with what it said if it fails. */
async function cluster(host: LabHost, ...args: string[]): Promise<string> {
  const { argv, env } = hostCommand(host, ['cluster', ...args]);
  const res = await runCaptured(argv, { cwd: '/', env, timeoutMs: 120_000 });
  if (res.exitCode !== 0) {
    throw new FlotillaError(
      'INTERNAL',
      `\`cluster ${args.join(' ')}\` on host ${host.name} failed: ${res.stderr.trim() || res.stdout.trim()}`,
    );
  }
  return res.stdout;
}

export interface UpOptions {
  name: string;
  managers: number;
  workers: number;
  runtime: LabRuntime;
  dispatcherHeartbeat?: string;
  dir?: string;
}

export async function labUp(o: UpOptions, progress: Progress): Promise<Lab> {
  await requireTools(['ip', 'nsenter', ...(o.runtime === 'containerd' ? ['containerd', 'ctr'] : [])]);
  const lab = await whilePlanning(async () => {
    const labs = await listLabs();
    const prefix = `flab-${o.name}-`;
    if (labs.some((l) => l.name === o.name) || (await netnsNames()).some((ns) => ns.startsWith(prefix))) {
      throw labExists(o.name);
    }
    const planned = planLab(o.name, await freeIndex(labs.map((l) => l.index)), o);
    if ((await readdir(planned.dir).catch(() => [])).length > 0) {
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `${planned.dir} is not empty: pick another --dir (the lab removes it at down)`,
      );
    }
    await createLabState(planned);
    return planned;
  });
  try {
    await mkdir(lab.dir, { recursive: true, mode: 0o700 });
    await makeBridge(lab);
    progress(`lab ${lab.name}: bridge ${lab.bridge} ${lab.gateway}, subnet ${lab.subnet}, dir ${lab.dir}`);
    for (const host of lab.hosts) {
      await makeHostNetwork(lab, host);
      await mkdir(host.dir, { recursive: true, mode: 0o700 });
      if (host.containerdDir) {
        await startHostContainerd(host);
        progress(`host ${host.name} ${host.address}: containerd started`);
      }
    }
    await startNodes(lab, o.dispatcherHeartbeat, progress);
  } catch (err) {
    throw new FlotillaError(
      isFlotillaError(err) ? err.code : 'INTERNAL',
      `${describeError(err)}\nlab ${lab.name} is only partly up: the hosts' logs are under ${lab.dir}; \`cluster lab down --name ${lab.name}\` removes it`,
    );
  }
  return lab;
}

/** `cluster init` on the first manager, `cluster join` on the other hosts, one at a time. */
async function startNodes(lab: Lab, heartbeat: string | undefined, progress: Progress): Promise<void> {
  const [first, ...rest] = lab.hosts;
  if (!first) return;
  const said = (host: LabHost, what: string) => progress(`host ${host.name} ${host.address}: ${what}`);
  await cluster(
    first,
    'init',
    ...nodeArgs(first),
    ...(heartbeat !== undefined ? ['--dispatcher-heartbeat', heartbeat] : []),
  );
  said(first, 'manager initialized');
  const token = async (role: string) => (await cluster(first, 'join-token', role, '-q')).trim();
  const tokens = {
    worker: await token('worker'),
    manager: rest.some((h) => h.role === 'manager') ? await token('manager') : '',
  };
  for (const host of rest) {
    await cluster(
      host,
      'join',
      ...nodeArgs(host),
      '--token',
      tokens[host.role],
      `${first.address}:${NODE_PORT}`,
    );
    // Until a new manager is reachable the group may lack a quorum, and the next join could fail.
    if (host.role === 'manager') await reachable(first, host);
    said(host, `${host.role} joined`);
  }
}

/** What each host's node is started with: its name and its runtime. */
function nodeArgs(host: LabHost): string[] {
  const socket = host.containerdDir ? privateContainerdFiles(host.containerdDir).socket : '';
  return ['--hostname', host.name, '--containerd-socket', socket];
}

async function reachable(via: LabHost, host: LabHost): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const nodes = JSON.parse(await cluster(via, 'node', 'ls', '--format', 'raw')) as Node[];
    const node = nodes.find((n) => n.description?.hostname === host.name);
    if (node?.managerStatus?.reachability === 'REACHABLE') return;
    await delay(250);
  }
  throw new FlotillaError(
    'TIMEOUT',
    `host ${host.name} joined but is not a reachable manager after a minute: see ${host.dataDir}/daemon.log`,
  );
}

async function startHostContainerd(host: LabHost): Promise<void> {
  const daemon = await startPrivateContainerd(host.containerdDir!, {
    launcher: inHost(host),
    detached: true,
  });
  daemon.unref();
}

/** Starts a host whose processes are all gone again: its containerd, then its node from its data dir. */
export async function restartHost(lab: Lab, host: LabHost, progress: Progress): Promise<void> {
  const running = await hostPids(host);
  if (running.length > 0) {
    throw new FlotillaError(
      'CONFLICT',
      `host ${host.name} is running (pids ${running.join(' ')}): \`cluster lab kill --name ${lab.name} ${host.name}\` first`,
    );
  }
  if (host.containerdDir) {
    await startHostContainerd(host);
    progress(`host ${host.name} ${host.address}: containerd started`);
  }
  const id = await startInBackground(host.dataDir, [], inHost(host));
  progress(`host ${host.name} ${host.address}: node ${id.nodeId} started`);
}

/** Kills every process of the lab, unmounts and removes its dir, its network and its state. */
export async function labDown(lab: Lab): Promise<void> {
  for (const host of lab.hosts) {
    const socket = host.containerdDir && privateContainerdFiles(host.containerdDir).socket;
    // Tasks deleted through containerd take their runc state in /run with them.
    if (socket && existsSync(socket) && (await hostPids(host)).length > 0) {
      await deleteContainerdTasks(socket).catch(() => undefined);
    }
    await killHost(host);
  }
  await unmountAndRemove(lab.dir);
  await removeNetwork(lab);
  await removeLabState(lab.name);
}
