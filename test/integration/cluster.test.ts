/**
 * The walking skeleton end to end: one manager and two workers as real processes on
 * loopback, driven through the `cluster` CLI, with real task processes that are killed,
 * and a worker that is killed and comes back.
 */
import test from 'ava';
import { readdir } from 'node:fs/promises';
import type { Node, Service, Task } from '../../proto/types.js';
import { eventually, killGroup, LocalCluster, runCli } from './cluster-harness.js';

let cluster: LocalCluster;
let token = '';

const running = (tasks: Task[]) =>
  tasks.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
const tasksOf = (service: string) => cluster.json<Task[]>('m1', 'service', 'ps', service, '--format', 'raw');
const listNodes = () => cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');

test.before(async () => {
  cluster = await LocalCluster.create();
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial('init starts a manager and prints a worker join command', async (t) => {
  const res = await cluster.init(
    'm1',
    ...['--dispatcher-heartbeat', '1s'],
    ...['--default-addr-pool', '10.150.0.0/16', '--default-addr-pool-mask-length', '26'],
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /cluster join --token FLT-1-\S+ 127\.0\.0\.1:\d+/);
  const q = await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q']);
  t.is(q.code, 0, q.stderr);
  token = q.stdout.trim();
  t.true(res.stdout.includes(token));
  const again = await runCli(['init', '--data-dir', cluster.dataDir('m1'), '--listen', '127.0.0.1:1']);
  t.not(again.code, 0);
  t.regex(again.stderr, /already holds a node/);
});

test.serial('a wrong token is refused and writes nothing', async (t) => {
  const res = await cluster.join('bad', 'm1', token.replace(/.{4}$/, '0000'));
  t.is(res.code, 1);
  t.regex(res.stderr, /^error: the join token is not valid/);
  await t.throwsAsync(readdir(cluster.dataDir('bad')));
  const nodes = await listNodes();
  t.is(nodes.length, 1);
});

test.serial('two workers join and every node is ready', async (t) => {
  for (const name of ['w1', 'w2']) {
    const res = await cluster.join(name, 'm1', token);
    t.is(res.code, 0, res.stderr);
    t.regex(res.stdout, /joined the cluster as a worker/);
  }
  const nodes = await eventually('3 ready nodes', async () => {
    const nodes = await listNodes();
    return nodes.filter((n) => n.status?.state === 'READY').length === 3 && nodes;
  });
  t.deepEqual(nodes.map((n) => n.description?.hostname).sort(), ['m1', 'w1', 'w2']);
  // Each node's containers have a /26 of the pool init was given, none shared.
  const subnets = nodes.map((n) => n.containerSubnet);
  for (const subnet of subnets) t.regex(subnet, /^10\.150\.\d+\.\d+\/26$/);
  t.is(new Set(subnets).size, 3);
  const table = await cluster.cli('m1', 'node', 'ls');
  t.regex(table.stdout, /m1\s+127\.0\.0\.1:\d+\s+Ready\s+Active\s+Leader/);
});

test.serial('service create runs three replicas spread over the nodes', async (t) => {
  const res = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '3',
    'host',
    'sleep',
    '100000',
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /converged/);
  const tasks = running(await tasksOf('web'));
  t.is(tasks.length, 3);
  t.is(new Set(tasks.map((t) => t.nodeId)).size, 3, 'one task per node');
  t.deepEqual(tasks.map((t) => t.slot).sort(), [1, 2, 3]);
  const ls = await cluster.cli('m1', 'service', 'ls');
  t.regex(ls.stdout, /web\s+replicated\s+3\/3\s+host/);
  const ps = await cluster.cli('m1', 'service', 'ps', 'web');
  t.regex(ps.stdout, /web\.1\s+\S+\s+Running\s+Running \S+/);
});

test.serial('scale to five, and inspect shows the new count', async (t) => {
  const res = await cluster.cli('m1', 'service', 'scale', 'web=5');
  t.is(res.code, 0, res.stderr);
  t.is(running(await tasksOf('web')).length, 5);
  const [svc] = await cluster.json<Service[]>('m1', 'service', 'inspect', 'web');
  t.is(svc?.spec?.replicated?.replicas, 5);
});

test.serial('a task whose process dies is replaced in the same slot', async (t) => {
  const victim = running(await tasksOf('web'))[0];
  if (!victim?.status?.container) return t.fail('no running task');
  killGroup(victim.status.container.pid);
  const tasks = await eventually('a replacement task', async () => {
    const tasks = await tasksOf('web');
    const slot = tasks.filter((x) => x.slot === victim.slot);
    return (
      running(tasks).length === 5 &&
      slot.some((x) => x.id !== victim.id && x.status?.state === 'RUNNING') &&
      tasks
    );
  });
  const old = tasks.find((x) => x.id === victim.id);
  t.is(old?.status?.state, 'FAILED');
  t.is(old?.desiredState, 'SHUTDOWN');
  t.regex(old?.status?.err ?? '', /killed by SIGKILL|non-zero exit/);
});

test.serial('a worker that stops heartbeating is marked down and its tasks move', async (t) => {
  const nodes = await listNodes();
  const w2 = nodes.find((n) => n.description?.hostname === 'w2');
  t.true(
    running(await tasksOf('web')).some((x) => x.nodeId === w2?.id),
    'w2 runs a task',
  );
  process.kill(await cluster.daemonPid('w2'), 'SIGKILL');
  await eventually('w2 down', async () => {
    const now = await listNodes();
    return now.find((n) => n.id === w2?.id)?.status?.state === 'DOWN';
  });
  const tasks = await eventually('5 tasks running elsewhere', async () => {
    const r = running(await tasksOf('web'));
    return r.length === 5 && r.every((x) => x.nodeId !== w2?.id) && r;
  });
  t.is(tasks.length, 5);
});

test.serial('the worker comes back, adopts its processes and stops the replaced ones', async (t) => {
  t.true((await cluster.runningTaskGroups('w2')).length > 0, 'w2 tasks outlived its daemon');
  cluster.restart('w2');
  await eventually('w2 ready', async () => {
    const now = await listNodes();
    return now.find((n) => n.description?.hostname === 'w2')?.status?.state === 'READY';
  });
  await eventually(
    'w2 stopped its replaced tasks',
    async () => (await cluster.runningTaskGroups('w2')).length === 0,
  );
  t.is(running(await tasksOf('web')).length, 5);
});

test.serial('bad input gets a one-line error, a non-zero exit, and writes nothing', async (t) => {
  const cases: [string[], RegExp][] = [
    [
      ['service', 'create', '--name', 'x', '--replicas', '-1', 'host', 'true'],
      /invalid --replicas: expected a whole number/,
    ],
    [['service', 'create', '--name', 'x', '--replicas', 'abc', 'host', 'true'], /invalid --replicas/],
    [['service', 'create', '--name', 'web', 'host', 'true'], /already exists/],
    [['service', 'create', '--name', 'bad name', 'host', 'true'], /invalid name \(--name\)/],
    [['service', 'create', '--name', 'x', 'host'], /invalid command/],
    [['service', 'ps', 'nosuch'], /service "nosuch" not found/],
    [['service', 'scale', 'nosuch=2'], /service "nosuch" not found/],
    [['node', 'inspect', 'nosuch'], /node "nosuch" not found/],
    [['node', 'ls', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const res = await cluster.cli('m1', ...args);
    t.is(res.code, 1, args.join(' '));
    t.regex(res.stderr, message, args.join(' '));
  }
  const services = await cluster.json<unknown[]>('m1', 'service', 'ls', '--format', 'raw');
  t.is(services.length, 1);
  const nothing = await runCli(['--host', '127.0.0.1:1', '--cert-path', cluster.certPath, 'node', 'ls']);
  t.is(nothing.code, 1);
  t.regex(nothing.stderr, /^error: cannot reach 127\.0\.0\.1:1/);
  const noLocal = await runCli(['--data-dir', cluster.dataDir('nowhere'), 'service', 'ls']);
  t.is(noLocal.code, 1);
  t.regex(noLocal.stderr, /cluster init/);
});

test.serial('the local socket serves the CLI on the manager, and a worker says where to go', async (t) => {
  const local = await runCli(['service', 'ls'], { CLUSTER_DATA_DIR: cluster.dataDir('m1') });
  t.is(local.code, 0, local.stderr);
  t.regex(local.stdout, /web/);
  const worker = await runCli(['--data-dir', cluster.dataDir('w1'), 'service', 'ls']);
  t.is(worker.code, 1);
  t.regex(worker.stderr, /this node is a worker/);
  // Also at its address, for calls and for the watch that `service scale` follows.
  const byAddr = await cluster.cli('w1', 'service', 'ls');
  t.is(byAddr.code, 1);
  t.regex(byAddr.stderr, /this node is a worker/);
});

test.serial('service rm stops every process', async (t) => {
  const res = await cluster.cli('m1', 'service', 'rm', 'web');
  t.is(res.code, 0, res.stderr);
  await eventually('no task processes left', async () => {
    for (const n of ['m1', 'w1', 'w2']) if ((await cluster.runningTaskGroups(n)).length > 0) return false;
    return true;
  });
  const ls = await cluster.json<unknown[]>('m1', 'service', 'ls', '--format', 'raw');
  t.is(ls.length, 0);
});

test.serial('an image no node can run stays pending with the reason', async (t) => {
  const res = await cluster.cli(
    'm1',
    'service',
    'create',
    '--name',
    'ctr',
    '--replicas',
    '2',
    'busybox:latest',
    'sleep',
    '1000',
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /no node has a container runtime/);
  const ps = await cluster.cli('m1', 'service', 'ps', 'ctr');
  t.regex(ps.stdout, /Pending .* no suitable node: no node has a container runtime/);
});
