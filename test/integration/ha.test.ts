/**
 * Managers as a Raft group, as real processes on loopback: three managers and two workers;
 * the leader killed with SIGKILL during a burst of writes; every manager restarted; quorum
 * lost and regained. Waits poll with generous deadlines; no timing is asserted.
 */
import test from 'ava';
import type { ServiceSummary } from '../../proto/gen/flotilla/ServiceSummary.js';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';

const MANAGERS = ['m1', 'm2', 'm3'];
const WORKERS = ['w1', 'w2'];

let cluster: LocalCluster;

const nodesVia = (m: string) => cluster.json<Node[]>(m, 'node', 'ls', '--format', 'raw');
const servicesVia = (m: string) => cluster.json<ServiceSummary[]>(m, 'service', 'ls', '--format', 'raw');
const tasksVia = (m: string, services: string[]) =>
  cluster.json<Task[]>(m, 'service', 'ps', ...services, '--format', 'raw');
const hostname = (n: Node) => n.description?.hostname ?? n.id;
const runningIds = (tasks: Task[]) =>
  tasks
    .filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING')
    .map((t) => t.id)
    .sort();

/** What a manager's `node ls` says about the group. */
function groupView(nodes: Node[]) {
  const managers = nodes.filter((n) => n.managerStatus);
  return {
    ready: nodes
      .filter((n) => n.status?.state === 'READY')
      .map(hostname)
      .sort(),
    leaders: managers.filter((n) => n.managerStatus?.leader).map(hostname),
    reachable: managers
      .filter((n) => !n.managerStatus?.leader && n.managerStatus?.reachability === 'REACHABLE')
      .map(hostname)
      .sort(),
  };
}

/** Waits until every node is ready, one manager leads and the other two are reachable, as `via` sees it. */
const healthy = (via: string) =>
  eventually(
    `a healthy group seen from ${via}`,
    async () => {
      const view = groupView(await nodesVia(via));
      return view.ready.length === 5 && view.leaders.length === 1 && view.reachable.length === 2 && view;
    },
    60_000,
  );

/** Services by name: id, spec and desired count, for comparing what managers answer. */
const byName = (summaries: ServiceSummary[]) =>
  Object.fromEntries(
    summaries.map((s) => [
      s.service?.spec?.name,
      { id: s.service?.id, spec: s.service?.spec, desired: s.desiredTasks },
    ]),
  );

const converged = (via: string) =>
  eventually(
    `services converged, seen from ${via}`,
    async () => {
      const all = await servicesVia(via);
      return all.every((s) => s.runningTasks === s.desiredTasks) && all;
    },
    60_000,
  );

test.before(async () => {
  cluster = await LocalCluster.create();
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial('three managers and two workers: every manager sees one leader and two reachable', async (t) => {
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  t.is(init.code, 0, init.stderr);
  for (const m of ['m2', 'm3']) {
    const res = await cluster.joinManager(m, 'm1');
    t.is(res.code, 0, res.stderr);
    t.regex(res.stdout, /joined the cluster as a manager/);
  }
  const token = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  for (const w of WORKERS) {
    const res = await cluster.join(w, 'm1', token.stdout.trim());
    t.is(res.code, 0, res.stderr);
  }
  for (const m of MANAGERS) {
    const view = await healthy(m);
    t.deepEqual(view.ready, [...MANAGERS, ...WORKERS]);
    t.is(view.leaders.length, 1);
    t.deepEqual([...view.leaders, ...view.reachable].sort(), MANAGERS);
  }
  const follower = groupView(await nodesVia('m1')).reachable[0]!;
  const res = await cluster.cli(
    follower,
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '5',
    'host',
    'sleep',
    '100000',
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /web: converged/);
});

/** One call of a user's, made through any of `via` in turn and retried on failure until acknowledged. */
interface Outcome {
  acked: boolean;
  /** The answers of the failed attempts: each may or may not have been applied. */
  failures: string[];
}

/** When the leader was killed, and how many attempts were under way then. */
const kill = { at: Infinity, overlapped: 0 };

async function persist(via: string[], args: string[], done: (stderr: string) => boolean): Promise<Outcome> {
  const failures: string[] = [];
  const deadline = Date.now() + 30_000;
  for (let i = 0; Date.now() < deadline; i++) {
    const started = Date.now();
    const res = await cluster.cli(via[i % via.length]!, ...args);
    if (kill.at > started && kill.at < Date.now()) kill.overlapped++;
    if (res.code === 0) return { acked: true, failures };
    failures.push(res.stderr.trim());
    if (done(res.stderr)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { acked: false, failures };
}

test.serial(
  'the leader killed during a burst of creates and scales: nothing acknowledged is lost',
  async (t) => {
    const before = await healthy('m1');
    const leader = before.leaders[0]!;
    const survivors = before.reachable;
    const nodeIds = new Map((await nodesVia('m1')).map((n) => [n.id, hostname(n)]));
    const survivingWeb = runningIds(
      (await tasksVia('m1', ['web'])).filter((x) => nodeIds.get(x.nodeId) !== leader),
    );
    t.true(survivingWeb.length >= 3, 'web runs on the surviving nodes');
    for (const s of ['scale-a', 'scale-b']) {
      const res = await cluster.cli('m1', ...sleeperService(s));
      t.is(res.code, 0, res.stderr);
    }

    // Three users create services and two scale one service each, one call after another.
    const creates = new Map<string, Outcome>();
    const scales = new Map<string, { replicas: number; outcome: Outcome }[]>();
    let acks = 0;
    const creator = async (who: string) => {
      for (let i = 0; i < 6; i++) {
        const name = `burst-${who}-${i}`;
        // "already exists" after a failed attempt: that attempt was applied after all.
        const outcome = await persist(survivors, sleeperService(name), (err) => /already exists/.test(err));
        creates.set(name, outcome);
        if (outcome.acked) acks++;
      }
    };
    const scaler = async (service: string) => {
      const history: { replicas: number; outcome: Outcome }[] = [];
      scales.set(service, history);
      for (let replicas = 2; replicas <= 9; replicas++) {
        const outcome = await persist(
          survivors,
          ['service', 'scale', '-d', `${service}=${replicas}`],
          () => false,
        );
        history.push({ replicas, outcome });
        if (outcome.acked) acks++;
      }
    };
    const burst = Promise.all([
      creator('x'),
      creator('y'),
      creator('z'),
      scaler('scale-a'),
      scaler('scale-b'),
    ]);
    await eventually('a few acknowledged writes', async () => acks >= 3);
    kill.at = Date.now();
    await cluster.stop(leader, 'SIGKILL');
    let restarted = false;
    t.teardown(() => {
      if (!restarted) cluster.restart(leader);
    });
    await burst;

    const failed = [...creates.values(), ...[...scales.values()].flat().map((s) => s.outcome)].flatMap(
      (o) => o.failures,
    );
    t.log(
      `${acks} calls acknowledged; ${kill.overlapped} attempts under way at the kill; ${failed.length} failed:`,
      [...new Set(failed)].slice(0, 5),
    );
    for (const [name, o] of creates) t.true(o.acked || o.failures.length > 0, name);

    const view = await eventually('a new leader', async () => {
      const v = groupView(await nodesVia(survivors[0]!));
      return v.leaders.length === 1 && v.leaders[0] !== leader && v;
    });
    t.true(survivors.includes(view.leaders[0]!));

    const final = byName(await servicesVia(survivors[0]!));
    for (const m of survivors) {
      const summaries = await servicesVia(m);
      const names = summaries.map((s) => s.service?.spec?.name ?? '');
      t.is(new Set(names).size, names.length, `no name twice on ${m}`);
      t.deepEqual(byName(summaries), final, `${m} answers as ${survivors[0]} does`);
    }
    for (const [name, o] of creates) {
      // Acknowledged, or refused as existing: present. Otherwise unknown: either is fine.
      const existing = o.failures.some((f) => /already exists/.test(f));
      if (o.acked || existing) t.truthy(final[name], `${name} is present`);
    }
    const known = new Set(['web', 'scale-a', 'scale-b', ...creates.keys()]);
    t.deepEqual(
      Object.keys(final).filter((n) => !known.has(n)),
      [],
      'nothing that was never asked for',
    );
    for (const [service, history] of scales) {
      // Updates carry the version they read, so a failed attempt can only have been applied
      // last if it came after the last acknowledged one.
      const lastAck = history.findLastIndex((s) => s.outcome.acked);
      const possible = new Set([
        lastAck < 0 ? 1 : history[lastAck]!.replicas,
        ...history
          .slice(lastAck + 1)
          .filter((s) => s.outcome.failures.length > 0)
          .map((s) => s.replicas),
      ]);
      const replicas = final[service]?.spec?.replicated?.replicas ?? -1;
      t.true(
        possible.has(replicas),
        `${service} has ${replicas} replicas; possible: ${[...possible].join(', ')}`,
      );
    }

    await converged(survivors[0]!);
    const web = await tasksVia(survivors[0]!, ['web']);
    const stillRunning = new Set(runningIds(web));
    t.deepEqual(
      survivingWeb.filter((id) => !stillRunning.has(id)),
      [],
      'the tasks on the surviving nodes kept running',
    );

    cluster.restart(leader);
    restarted = true;
    await healthy(leader);
    const ours = byName(await servicesVia(survivors[0]!));
    t.deepEqual(byName(await servicesVia(leader)), ours, 'the restarted manager answers as the others do');
  },
);

test.serial('all three managers restarted: nodes, services and tasks are as before', async (t) => {
  await converged('m1');
  const nodesBefore = (await nodesVia('m1')).map((n) => n.id).sort();
  const servicesBefore = byName(await servicesVia('m1'));
  const names = Object.keys(servicesBefore);
  const tasksBefore = runningIds(await tasksVia('m1', names));

  await Promise.all(MANAGERS.map((m) => cluster.stop(m)));
  for (const m of MANAGERS) cluster.restart(m);
  await healthy('m1');

  t.deepEqual((await nodesVia('m1')).map((n) => n.id).sort(), nodesBefore);
  for (const m of MANAGERS)
    t.deepEqual(byName(await servicesVia(m)), servicesBefore, `services seen from ${m}`);
  await converged('m1');
  t.deepEqual(runningIds(await tasksVia('m1', names)), tasksBefore, 'the same tasks run');
});

test.serial(
  'two of three managers stopped: writes fail fast and say why; both back, writes work',
  async (t) => {
    const view = await healthy('m1');
    const [remaining, other] = view.reachable as [string, string];
    const stopped = [view.leaders[0]!, other];
    await Promise.all(stopped.map((m) => cluster.stop(m)));

    // At once, the remaining manager may still think it leads, or that the stopped leader does.
    const first = await cluster.cli(remaining, ...sleeperService('no-quorum-1', 1));
    t.log(`write at once: exit ${first.code}: ${first.stderr.trim()}`);
    t.not(first.code, 0);

    for (const read of [
      ['service', 'ls'],
      ['node', 'ls'],
    ]) {
      const res = await eventually(`${read.join(' ')} to notice`, async () => {
        const res = await cluster.cli(remaining, ...read);
        return /no manager leads|quorum/.test(res.stderr) && res;
      });
      t.log(`${read.join(' ')} without quorum: exit ${res.code}: ${res.stderr.trim()}`);
    }
    const started = Date.now();
    const write = await cluster.cli(remaining, ...sleeperService('no-quorum-2', 1));
    t.log(`write once it knows: exit ${write.code} after ${Date.now() - started} ms: ${write.stderr.trim()}`);
    t.not(write.code, 0);
    t.regex(write.stderr, /quorum|no manager leads/);
    t.regex(write.stderr, /--force-new-cluster/);

    for (const m of stopped) cluster.restart(m);
    const res = await persist([remaining], sleeperService('quorum-back'), () => false);
    t.true(res.acked, res.failures.join('\n'));
    t.truthy(byName(await servicesVia(remaining))['quorum-back']);
  },
);
