/**
 * Docker Swarm's side of the node-loss figure of `bench:overlay`: a swarm of two hosts, a
 * manager and a worker, each a dockerd in a network namespace of its own whose address sits on
 * a bridge in a third namespace (so the addresses exist nowhere else on the machine), and one
 * replica of a sleeping busybox on the worker. The worker is killed as a whole, as the lab
 * kills our hosts, and timed until the manager's API says the worker is down and until it
 * reports the replacement task running on the manager (polled every 100 ms over its socket).
 * Everything it starts (namespaces, dockerds and their containerds, shims, mounts, cgroups,
 * the temp dir) is removed at the end, also when a step fails.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import Docker from 'dockerode';
import { killHost } from '../../cli/lab/hosts.js';
import { unmountAndRemove } from '../../lib/mounts.js';
import { systemTool } from '../../runtime/run-captured.js';
import { testImages } from '../../test/integration/containerd-harness.js';
import { onPath } from '../../test/integration/host-tools.js';
import { progress } from '../stats.js';

/** Seconds from the worker's death until the manager reported it down, and its task running on the manager. */
export interface NodeLoss {
  down: number[];
  elsewhere: number[];
}

/** Swarm's default dispatcher heartbeat period, which these runs keep. */
export const SWARM_HEARTBEAT = '5s';

const IMAGE = 'flotilla/busybox:latest';
const SERVICE = 'nl';
const POLL_MS = 100;
const TIMEOUT_MS = 120_000;

interface Host {
  name: 'manager' | 'worker';
  netns: string;
  address: string;
  dir: string;
  socket: string;
  /** The parent of its containers' cgroups, so that what a killed daemon leaves there can be removed. */
  cgroup: string;
}

/** What the runs read of a task and a node from the Docker API. */
interface SwarmTask {
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string };
}
interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown>;
  Status?: { State?: string };
}

/** Why the peer cannot run here, if it cannot. */
export async function swarmNodeLossMissing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const tool of ['dockerd', 'ip', 'nsenter']) {
    if (!(await onPath(tool))) return `${tool} is not installed (Debian: docker.io, iproute2, util-linux)`;
  }
  return undefined;
}

/** Runs `reps` worker deaths on a swarm of its own; removes the swarm after. */
export async function swarmNodeLoss(reps: number): Promise<NodeLoss> {
  const dir = await mkdtemp('/tmp/swnl-');
  const id = randomBytes(3).toString('hex');
  const hub = `swnl-${id}-hub`;
  const hosts: Host[] = (['manager', 'worker'] as const).map((name, i) => ({
    name,
    netns: `swnl-${id}-${name[0]}`,
    address: `10.88.0.${11 + i}`,
    dir: join(dir, name),
    socket: join(dir, name, 'd.sock'),
    cgroup: `swnl-${id}`,
  }));
  const cleanup = () => removeAll(dir, hub, hosts);
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    await network(hub, hosts);
    for (const h of hosts) await startDockerd(h);
    return await deaths(hosts[0]!, hosts[1]!, reps);
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await cleanup();
  }
}

const api = (h: Host) => new Docker({ socketPath: h.socket });

const ip = (...args: string[]) => systemTool(['ip', ...args]);

/** A bridge in the hub namespace, and each host's eth0 on it. */
async function network(hub: string, hosts: Host[]): Promise<void> {
  await ip('netns', 'add', hub);
  await ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge');
  await ip('-n', hub, 'link', 'set', 'br0', 'up');
  for (const h of hosts) {
    await ip('netns', 'add', h.netns);
    await ip('-n', hub, 'link', 'add', h.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns);
    await ip('-n', hub, 'link', 'set', h.name, 'master', 'br0', 'up');
    await ip('-n', h.netns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0');
    await ip('-n', h.netns, 'link', 'set', 'eth0', 'up');
    await ip('-n', h.netns, 'link', 'set', 'lo', 'up');
  }
}

/** Starts (or, after a death, restarts from its data root) the host's dockerd in its namespace. */
async function startDockerd(h: Host): Promise<void> {
  await mkdir(h.dir, { recursive: true });
  const log = openSync(join(h.dir, 'dockerd.log'), 'a');
  // `nsenter --net` alone: the daemon keeps the machine's mounts (cgroups), as a host would.
  const daemon = spawn(
    'nsenter',
    [
      `--net=/run/netns/${h.netns}`,
      '--',
      'dockerd',
      ...['--data-root', join(h.dir, 'data'), '--exec-root', join(h.dir, 'exec')],
      ...['--pidfile', join(h.dir, 'dockerd.pid'), '-H', `unix://${h.socket}`],
      ...['--cgroup-parent', h.cgroup, '--log-level', 'warn'],
    ],
    // No registry here: without this, every task tries to pull its image first.
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1' },
    },
  );
  daemon.unref();
  closeSync(log);
  const up = () =>
    api(h)
      .ping()
      .then(
        () => true,
        () => false,
      );
  const deadline = Date.now() + 60_000;
  while (!(await up())) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      const text = await readFile(join(h.dir, 'dockerd.log'), 'utf8').catch(() => '');
      throw new Error(`the ${h.name}'s dockerd did not start:\n${text.slice(-2000)}`);
    }
    await delay(POLL_MS);
  }
}

async function deaths(manager: Host, worker: Host, reps: number): Promise<NodeLoss> {
  const m = api(manager);
  const w = api(worker);
  const archive = (await testImages()).busybox;
  for (const d of [m, w]) {
    const out = await d.loadImage(archive);
    out.resume();
    await once(out, 'end');
  }
  await m.swarmInit({ ListenAddr: `${manager.address}:2377`, AdvertiseAddr: manager.address });
  const { JoinTokens } = (await m.swarmInspect()) as { JoinTokens: { Worker: string } };
  await w.swarmJoin({
    RemoteAddrs: [`${manager.address}:2377`],
    JoinToken: JoinTokens.Worker,
    ListenAddr: `${worker.address}:2377`,
    AdvertiseAddr: worker.address,
  });
  const nodeId = async (d: Docker) => ((await d.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
  const [managerId, workerId] = [await nodeId(m), await nodeId(w)];
  const node = async (nid: string) => (await m.getNode(nid).inspect()) as SwarmNode;
  const setAvailability = async (nid: string, availability: 'active' | 'drain') => {
    const n = await node(nid);
    await m.getNode(nid).update({ version: n.Version.Index, ...n.Spec, Availability: availability });
  };
  const runsOn = async (nid: string) =>
    (
      (await m.listTasks({ filters: { service: [SERVICE], 'desired-state': ['running'] } })) as SwarmTask[]
    ).some((t) => t.NodeID === nid && t.Status?.State === 'running');
  const workerReady = () =>
    until('the worker ready', async () => (await node(workerId)).Status?.State === 'ready');
  await workerReady();
  /*
   * One replica, no constraint, Swarm's defaults: it must start on the worker and be free to
   * move to the manager. With the manager drained it can only go to the worker, and Swarm
   * leaves running tasks where they are when the manager is made active again.
   */
  await setAvailability(managerId, 'drain');
  await m.createService({
    Name: SERVICE,
    TaskTemplate: {
      // SIGKILL: busybox sleep as pid 1 ignores SIGTERM, and each move would wait out the grace period.
      ContainerSpec: { Image: IMAGE, Command: ['sleep', '1000000'], StopSignal: 'SIGKILL' },
    },
    Mode: { Replicated: { Replicas: 1 } },
  });
  const result: NodeLoss = { down: [], elsewhere: [] };
  for (let i = 0; i < reps; i++) {
    await until('the task running on the worker', () => runsOn(workerId));
    await setAvailability(managerId, 'active');
    const start = performance.now();
    await killHost(worker);
    let down: number | undefined;
    await until('the task running on the manager', async () => {
      if (down === undefined && (await node(workerId)).Status?.State === 'down') down = performance.now();
      return runsOn(managerId);
    });
    const seconds = (t: number) => (t - start) / 1000;
    const elsewhere = seconds(performance.now());
    result.down.push(seconds(down ?? performance.now()));
    result.elsewhere.push(elsewhere);
    progress(
      `swarm: worker killed: down after ${result.down.at(-1)!.toFixed(2)} s, its task on the manager after ${elsewhere.toFixed(2)} s`,
    );
    if (i + 1 < reps) {
      await startDockerd(worker);
      await workerReady();
      await setAvailability(managerId, 'drain');
    }
  }
  return result;
}

/** Polls `done` every 100 ms until it holds; fails after two minutes naming `what`. */
async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`swarm: timed out waiting for ${what}`);
    await delay(POLL_MS);
  }
}

/** Kills every process of the hosts, then removes mounts, cgroups, namespaces and the dir. */
async function removeAll(dir: string, hub: string, hosts: Host[]): Promise<void> {
  for (const h of hosts) await killHost(h).catch((e: Error) => progress(`swarm cleanup: ${e.message}`));
  await unmountAndRemove(dir);
  for (const cgroup of new Set(hosts.map((h) => h.cgroup))) await removeCgroups(cgroup);
  for (const netns of [...hosts.map((h) => h.netns), hub]) {
    if (existsSync(`/run/netns/${netns}`)) await ip('netns', 'del', netns).catch(() => undefined);
  }
}

/** Removes the cgroup `parent` and those under it (rmdir, leaves first) in every hierarchy. */
async function removeCgroups(parent: string): Promise<void> {
  const removeTree = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await removeTree(join(path, e.name));
    await rmdir(path).catch(() => undefined);
  };
  const roots = await readdir('/sys/fs/cgroup', { withFileTypes: true }).catch(() => []);
  // cgroup v1: one hierarchy per controller dir; v2: the root itself.
  for (const root of [
    '/sys/fs/cgroup',
    ...roots.filter((r) => r.isDirectory()).map((r) => join('/sys/fs/cgroup', r.name)),
  ]) {
    if (existsSync(join(root, parent))) await removeTree(join(root, parent));
  }
}
