/**
 * Every node's Prometheus endpoint, on real processes on loopback: a manager and a worker,
 * each on a metrics port of its own (several nodes share this machine's address), scraped
 * after a service runs; the address kept across a restart; and nodes whose metrics port is
 * taken (another node's, say) run on without metrics, saying so in their log.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { paths, readIdentity } from '../../daemon/data-dir.js';
import type { Node, Task } from '../../proto/types.js';
import { declares, sample } from '../unit/metrics/exposition.js';
import { eventually, freePort, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;
let token = '';
const metricsAt = new Map<string, string>();

const scrape = async (node: string, path = '/metrics') => fetch(`http://${metricsAt.get(node)}${path}`);
const text = async (node: string) => (await scrape(node)).text();
const logOf = (node: string) => readFile(paths(cluster.dataDir(node)).log, 'utf8');
const readyNodes = async () =>
  (await cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).filter(
    (n) => n.status?.state === 'READY',
  );

test.before(async () => {
  cluster = await LocalCluster.create();
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial('a manager and a worker each serve their own metrics once a service runs', async (t) => {
  for (const node of ['m1', 'w1']) metricsAt.set(node, `127.0.0.1:${await freePort()}`);
  const init = await cluster.init('m1', '--metrics-addr', metricsAt.get('m1')!);
  t.is(init.code, 0, init.stderr);
  token = (await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
  const join = await cluster.join('w1', 'm1', token, '--metrics-addr', metricsAt.get('w1')!);
  t.is(join.code, 0, join.stderr);
  await eventually('2 ready nodes', async () => (await readyNodes()).length === 2);
  const created = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '2',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  const tasks = await cluster.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw');
  const running = tasks.filter((x) => x.status?.state === 'RUNNING');
  t.is(running.length, 2);

  // The manager: Raft, the store, the loops it leads, its own tasks, its mesh and its process.
  const res = await scrape('m1');
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
  const m = await res.text();
  t.true(sample(m, 'flotilla_raft_term')! >= 1);
  t.is(sample(m, 'flotilla_raft_is_leader'), 1);
  t.true(sample(m, 'flotilla_raft_commit_index')! >= 1);
  t.true(sample(m, 'flotilla_raft_applied_index')! >= 1);
  t.true(sample(m, 'flotilla_raft_leader_changes_total')! >= 1);
  t.true(sample(m, 'flotilla_raft_proposal_duration_seconds_count')! >= 1);
  t.is(sample(m, 'flotilla_store_objects', { table: 'nodes' }), 2);
  t.is(sample(m, 'flotilla_store_objects', { table: 'services' }), 1);
  t.true(sample(m, 'flotilla_store_objects', { table: 'tasks' })! >= 2);
  t.true(sample(m, 'flotilla_store_wal_bytes')! > 0);
  t.true(declares(m, 'flotilla_store_snapshot_bytes'));
  t.true(sample(m, 'flotilla_scheduler_placement_latency_seconds_count')! >= 2);
  t.true(declares(m, 'flotilla_scheduler_unplaced_tasks'));
  t.is(sample(m, 'flotilla_dispatcher_sessions_open'), 2);
  t.true(sample(m, 'flotilla_dispatcher_heartbeats_total')! >= 1);
  t.is(sample(m, 'flotilla_dispatcher_nodes', { state: 'READY' }), 2);
  t.true(declares(m, 'flotilla_mesh_connections_total'));
  t.true(sample(m, 'flotilla_process_resident_memory_bytes')! > 0);

  // The worker: only what it has.
  const w = await text('w1');
  for (const part of ['raft', 'store', 'scheduler', 'dispatcher']) {
    t.false(w.includes(`flotilla_${part}_`), `no ${part} metrics on a worker`);
  }
  t.true(declares(w, 'flotilla_mesh_connections_active'));
  t.true(declares(w, 'flotilla_nodejs_eventloop_lag_seconds'));

  // Each node counts the tasks it runs: together, the replicas.
  const runningOn = (body: string) => sample(body, 'flotilla_agent_tasks', { state: 'RUNNING' }) ?? 0;
  const total = await eventually('the agents report 2 running tasks', async () => {
    const n = runningOn(await text('m1')) + runningOn(await text('w1'));
    return n === 2 && n;
  });
  t.is(total, 2);
  t.is((await scrape('w1', '/')).status, 404);
});

test.serial('a restarted node serves its metrics where it was told to', async (t) => {
  t.is((await readIdentity(cluster.dataDir('w1')))?.metricsAddr, metricsAt.get('w1'));
  await cluster.stop('w1');
  await t.throwsAsync(scrape('w1'));
  cluster.restart('w1');
  const body = await eventually('w1 serves metrics again', async () => {
    const res = await scrape('w1');
    return res.status === 200 && (await res.text());
  });
  t.true(declares(body, 'flotilla_agent_tasks'));
});

test.serial('nodes whose metrics port is taken run on without metrics, and say why', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.teardown(() => holder.close());
  const held = `127.0.0.1:${(holder.address() as { port: number }).port}`;
  const taken = await cluster.join('w2', 'm1', token, '--metrics-addr', held);
  t.is(taken.code, 0, taken.stderr);
  // Two more with the default (this machine's address, port 9323): one of them at most gets it.
  for (const node of ['w3', 'w4']) {
    const res = await cluster.join(node, 'm1', token);
    t.is(res.code, 0, res.stderr);
  }
  const off = await cluster.join('w5', 'm1', token, '--metrics-addr', '');
  t.is(off.code, 0, off.stderr);
  await eventually('6 ready nodes', async () => (await readyNodes()).length === 6);

  const warning = /cannot serve metrics on (\S+): .*EADDRINUSE.*this node runs without metrics/;
  t.is(warning.exec(await logOf('w2'))?.[1], held);
  const defaults = await Promise.all(['w3', 'w4'].map(logOf));
  t.true(
    defaults.filter((log) => warning.test(log)).length >= 1,
    'the second node on 127.0.0.1:9323 warns (both do if something else holds it)',
  );
  t.true(defaults.every((log) => warning.test(log) || log.includes('"metrics served"')));
  t.is((await readIdentity(cluster.dataDir('w5')))?.metricsAddr, '');
  const w5 = await logOf('w5');
  t.false(w5.includes('metrics served') || warning.test(w5), 'no metrics, by choice: nothing to say');
});
