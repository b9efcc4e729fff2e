/**
 * One chaos run: a lab of real nodes (hosts that are network namespaces, the process runtime),
 * one manager's data dir on a small tmpfs, clients on every manager and the nemesis's schedule
 * for `seconds`; then everything healed and checked: the history for linearizability, the
 * managers' copies, the tasks, and what the lab leaves behind when it is taken down.
 */
import { execFile } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { paths } from '../daemon/data-dir.js';
import { describeError } from '../lib/errors.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { acceptStaleReads, call, connect } from '../proto/rpc.js';
import { hostPids, killHost } from '../cli/lab/hosts.js';
import { labDown, labUp, restartHost } from '../cli/lab/lifecycle.js';
import { readLab } from '../cli/lab/state.js';
import type { Lab, LabHost } from '../cli/lab/state.js';
import { chaosSpec, runClient, serviceNames, type ServiceHistory } from './clients.js';
import { HistoryRecorder } from './history.js';
import { checkConvergence, checkCopies, checkTaskProcesses, ownCopies } from './invariants.js';
import { eventually } from '../test/integration/cluster-harness.js';
import { checkLinearizability, describeResult } from './linearizability.js';
import { serviceModel, settleObservedWrites } from './models.js';
import { Nemesis } from './nemesis.js';
import { runWatcher } from './watchers.js';
import { describeFault, makeSchedule } from './schedule.js';

const run = promisify(execFile);

export interface RunOptions {
  seed: number;
  seconds: number;
  managers: number;
  workers: number;
  /** Clients, spread over the managers. */
  clients: number;
  /** Service names the clients contend on. */
  services: number;
  /** Leaves the lab of a run that found violations up, to look into. */
  keep?: boolean;
  log: (line: string) => void;
}

export interface RunResult {
  seed: number;
  seconds: number;
  operations: number;
  ok: number;
  fail: number;
  unknown: number;
  faults: number;
  faultsApplied: number;
  linearizability: string;
  /** Service states the watchers received (each checked not to go back). */
  watchStates: number;
  /** What the failed and unknown operations were told, by error code. */
  errors: Record<string, number>;
  violations: string[];
  schedule: string[];
  durationMs: number;
}

/** How big the tmpfs of the `disk-full` manager is: room for its WAL's preallocated segments. */
const TMPFS_SIZE = '256m';

export async function chaosRun(o: RunOptions): Promise<RunResult> {
  const began = Date.now();
  const name = `ch${o.seed.toString(36)}-${randomBytes(2).toString('hex')}`;
  o.log(`run seed ${o.seed}: lab ${name}, ${o.managers} managers, ${o.workers} workers`);
  const lab = await labUp({ name, managers: o.managers, workers: o.workers, runtime: 'process' }, (line) =>
    o.log(`  ${line}`),
  ).catch(async (err: unknown) => {
    // A lab that came up only in part is of no use unless it is to be looked at.
    if (!o.keep) await readLab(name).then(labDown, () => undefined);
    throw err;
  });
  const clients = new Map<string, ControlClient>();
  const staleClients = new Map<string, ControlClient>();
  const socket = (host: LabHost) => `unix:${paths(host.dataDir).socket}`;
  const controls = (host: LabHost) =>
    clients.get(host.name) ??
    clients.set(host.name, connect(wire.flotilla.Control, socket(host))).get(host.name)!;
  const staleControls = (host: LabHost) =>
    staleClients.get(host.name) ??
    staleClients
      .set(host.name, connect(wire.flotilla.Control, socket(host), undefined, [acceptStaleReads]))
      .get(host.name)!;
  const violations: string[] = [];
  const history: ServiceHistory = new HistoryRecorder();
  const managers = lab.hosts.filter((h) => h.role === 'manager');
  const diskHost = managers.at(-1)!;
  const schedule = makeSchedule(o.seed, o.seconds, {
    managers: managers.map((h) => h.name),
    workers: lab.hosts.filter((h) => h.role === 'worker').map((h) => h.name),
    diskHost: diskHost.name,
  });
  let linearizability = 'not checked';
  let watchStates = 0;
  const nemesis = new Nemesis(lab, controls, o.log);
  try {
    await onTmpfs(lab, diskHost, o.log);
    await healthy(lab, controls, 120_000);
    o.log(`schedule (replay with --seed ${o.seed} --seconds ${o.seconds}):`);
    for (const f of schedule) o.log(`  ${describeFault(f)}`);

    const names = serviceNames(o.services);
    const stop = new AbortController();
    // Every client, watcher and fault waits on it, some twice at once (a call and a pause).
    setMaxListeners(4 * (o.clients + managers.length + 1), stop.signal);
    const start = Date.now();
    const running = Array.from({ length: o.clients }, (_, i) =>
      runClient(
        `c${i}`,
        controls(managers[i % managers.length]!),
        history,
        names,
        o.seed * 1000 + i,
        stop.signal,
      ),
    );
    const watching = managers.map((host) => runWatcher(host.name, controls(host), names, stop.signal));
    const faults = nemesis.run(schedule, start, stop.signal);
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    stop.abort();
    await Promise.all([...running, faults]);
    for (const report of await Promise.all(watching)) {
      watchStates += report.states;
      violations.push(...report.violations);
    }

    // Healed: every fault undone, and any daemon that died unasked named and started again.
    await nemesis.healAll();
    for (const host of lab.hosts) {
      if (!(await daemonAlive(host))) {
        const said = (await readFile(paths(host.dataDir).log, 'utf8').catch(() => '')).trim().split('\n');
        const tail = said.slice(-4).map((line) => line.slice(0, 400));
        violations.push(`${host.name}'s daemon exited on its own; the end of its log:\n${tail.join('\n')}`);
        await killHost(host);
        await restartHost(lab, host, (line) => o.log(`  ${line}`));
      }
    }
    o.log('healed; checking');
    try {
      await healthy(lab, controls, 120_000);
    } catch (err) {
      violations.push(`the cluster did not recover after healing: ${describeError(err)}`);
      throw err;
    }

    const h = settleObservedWrites(history.history());
    const checked = checkLinearizability(serviceModel, h, { timeoutMs: 120_000 });
    linearizability = checked.verdict;
    if (checked.verdict === 'not-linearizable') violations.push(describeResult(serviceModel, checked));
    else if (checked.verdict === 'unknown')
      o.log(`linearizability: ${describeResult(serviceModel, checked)}`);

    const marker = `chaos-marker-${o.seed}`;
    const leader = await anyManager(lab, controls);
    await call(leader, leader.CreateService, { spec: chaosSpec(marker, { labels: {}, replicas: 0 }) });
    const copies = await ownCopies(lab, managers, staleControls, marker);
    violations.push(...checkCopies(copies, h, marker));
    const control = await anyManager(lab, controls);
    violations.push(...(await checkConvergence(control, 120_000)));
    violations.push(...(await checkTaskProcesses(lab, control, 30_000)));
  } catch (err) {
    if (violations.length === 0) violations.push(`the run could not finish: ${describeError(err)}`);
  } finally {
    for (const c of [...clients.values(), ...staleClients.values()]) c.close();
    if (o.keep && violations.length > 0) {
      o.log(`lab ${lab.name} kept: \`cluster lab down --name ${lab.name}\` removes it`);
    } else {
      await labDown(lab);
      violations.push(...(await leftBehind(lab)));
    }
  }
  const ops = history.history();
  const count = (type: string) => ops.filter((op) => op.outcome.type === type).length;
  const errors: Record<string, number> = {};
  for (const op of ops) {
    if (op.outcome.type === 'ok') continue;
    const code = /^[A-Z_]+(?=:)/.exec(op.outcome.error ?? '')?.[0] ?? 'other';
    errors[code] = (errors[code] ?? 0) + 1;
  }
  return {
    seed: o.seed,
    seconds: o.seconds,
    operations: ops.length,
    ok: count('ok'),
    fail: count('fail'),
    unknown: count('unknown'),
    faults: nemesis.records.length,
    faultsApplied: nemesis.records.filter((r) => r.applied).length,
    linearizability,
    watchStates,
    errors,
    violations,
    schedule: schedule.map(describeFault),
    durationMs: Date.now() - began,
  };
}

/** Moves a manager's data dir onto a tmpfs of its own, so that a fault can fill it. */
async function onTmpfs(lab: Lab, host: LabHost, log: (line: string) => void): Promise<void> {
  await killHost(host);
  const saved = `${host.dataDir}.saved`;
  await run('mv', [host.dataDir, saved]);
  await run('mkdir', ['-p', host.dataDir]);
  await run('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', host.dataDir]);
  await run('cp', ['-a', `${saved}/.`, host.dataDir]);
  await run('rm', ['-rf', saved]);
  await restartHost(lab, host, (line) => log(`  ${line}`));
  log(`  host ${host.name}: data dir on a ${TMPFS_SIZE} tmpfs`);
}

/** The Control API of a manager that answers. */
async function anyManager(lab: Lab, controls: (h: LabHost) => ControlClient): Promise<ControlClient> {
  return eventually('a manager that answers', async () => {
    for (const host of lab.hosts.filter((h) => h.role === 'manager')) {
      const c = controls(host);
      if (
        await call(c, c.ListNodes, {}, 3_000).then(
          () => true,
          () => false,
        )
      )
        return c;
    }
    return undefined;
  });
}

/** Every node Ready, in its first role, and every manager reachable from the leader. */
async function healthy(lab: Lab, controls: (h: LabHost) => ControlClient, timeoutMs: number): Promise<void> {
  await eventually(
    'every node ready',
    async () => {
      const c = await anyManager(lab, controls);
      const { nodes } = await call(c, c.ListNodes, {}, 3_000);
      const bad = lab.hosts.filter((host) => {
        const node = nodes.find((n) => n.description?.hostname === host.name);
        const role = host.role === 'manager' ? 'MANAGER' : 'WORKER';
        return (
          node?.status?.state !== 'READY' ||
          node.spec?.desiredRole !== role ||
          (role === 'MANAGER' && node.managerStatus?.reachability !== 'REACHABLE')
        );
      });
      if (bad.length === 0) return true;
      throw new Error(`not yet: ${bad.map((h) => h.name).join(', ')}`);
    },
    timeoutMs,
  );
}

/**
 * Whether the host's node daemon runs: its process, not its pid file, which a daemon that
 * restarts itself in a new role rewrites.
 */
async function daemonAlive(host: LabHost): Promise<boolean> {
  for (const pid of await hostPids(host)) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.includes('daemon') && argv.includes(host.dataDir)) return true;
  }
  return false;
}

/** Processes that outlived `lab down`: any whose command line names the lab's dir. */
async function leftBehind(lab: Lab): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(lab.dir))
      found.push(`process ${pid} outlived lab down: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}
