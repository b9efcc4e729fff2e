/**
 * Node management with real processes: drain moves tasks away, labels, node ps, and
 * removing nodes.
 */
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive as alive } from '../../daemon/data-dir.js';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

let c: LocalCluster;

test.before(async () => {
  c = await LocalCluster.create();
  await c.init('m1', '--dispatcher-heartbeat', '1s');
  const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
  for (const w of ['w1', 'w2']) await c.join(w, 'm1', token);
  await eventually('3 nodes ready', async () => {
    const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    return nodes.filter((n) => n.status?.state === 'READY').length === 3;
  });
});

test.after.always(async () => {
  await c?.destroy();
});

/** The process groups of the tasks a node runs now. */
async function taskPids(name: string): Promise<number[]> {
  const dir = join(c.dataDir(name), 'runtime', 'process');
  const pids = await Promise.all(
    (await readdir(dir)).map(async (id) =>
      Number(await readFile(join(dir, id, 'pid'), 'utf8').catch(() => '0')),
    ),
  );
  return pids.filter((pid) => pid > 0 && alive(pid));
}

const running = (tasks: Task[]) =>
  tasks.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
const nodeId = async (name: string) =>
  (await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).find((n) => n.description?.hostname === name)!
    .id;

test.serial('drain moves the tasks off a node; node ps shows what ran there', async (t) => {
  const created = await c.cli(
    'm1',
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '6',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  const w1 = await nodeId('w1');
  const before = running(await c.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw'));
  t.true(
    before.some((task) => task.nodeId === w1),
    'spread put tasks on w1',
  );

  const drained = await c.cli('m1', 'node', 'update', '--availability', 'drain', 'w1');
  t.is(drained.code, 0, drained.stderr);
  const after = await eventually('six tasks running, none on w1', async () => {
    const tasks = running(await c.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw'));
    return tasks.length === 6 && tasks.every((task) => task.nodeId !== w1) ? tasks : undefined;
  });
  t.is(after.length, 6);
  const onW1 = await c.json<Task[]>('m1', 'node', 'ps', 'w1', '--format', 'raw');
  t.true(onW1.length > 0 && onW1.every((task) => task.desiredState === 'SHUTDOWN'));
  const table = await c.cli('m1', 'node', 'ps', 'w1');
  t.regex(table.stdout, /web\.\d+\s+w1\s+Shutdown/);

  t.is((await c.cli('m1', 'node', 'update', '--availability', 'active', 'w1')).code, 0);
  const bad = await c.cli('m1', 'node', 'update', '--availability', 'sleep', 'w1');
  t.not(bad.code, 0);
  t.regex(bad.stderr, /invalid --availability: expected active, pause or drain, got "sleep"/);
});

test.serial('labels are added and removed', async (t) => {
  t.is(
    (await c.cli('m1', 'node', 'update', '--label-add', 'zone=a', '--label-add', 'disk=ssd', 'w2')).code,
    0,
  );
  t.is((await c.cli('m1', 'node', 'update', '--label-rm', 'disk', 'w2')).code, 0);
  const [w2] = await c.json<Node[]>('m1', 'node', 'inspect', 'w2');
  t.deepEqual(w2?.spec?.labels, { zone: 'a' });
  const pretty = await c.cli('m1', 'node', 'inspect', '--pretty', 'w2');
  t.is(pretty.code, 0, pretty.stderr);
  t.regex(pretty.stdout, new RegExp(`^ID:\\s+${w2!.id}\nHostname:\\s+w2\nLabels:\n zone:\\s+a\n`));
  t.regex(pretty.stdout, /^Status:\n State:\s+Ready\n Availability:\s+Active\n/m);
  t.regex(pretty.stdout, /^Role:\s+worker$/m);
});

test.serial('a node that is up is removed only with --force, a manager not at all', async (t) => {
  const refused = await c.cli('m1', 'node', 'rm', 'w2');
  t.not(refused.code, 0);
  t.regex(refused.stderr, /w2 is not down: stop its daemon first, or remove it with --force/);
  const manager = await c.cli('m1', 'node', 'rm', '--force', 'm1');
  t.regex(manager.stderr, /m1 is a manager: demote it first/);

  const w2 = await nodeId('w2');
  const processes = await taskPids('w2');
  t.true(processes.length > 0);
  t.is((await c.cli('m1', 'node', 'rm', '--force', 'w2')).code, 0);
  const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
  t.false(nodes.some((n) => n.id === w2));
  await eventually('six tasks running, none on the removed node', async () => {
    const tasks = running(await c.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw'));
    return tasks.length === 6 && tasks.every((task) => task.nodeId !== w2);
  });
  // The removed node learns it was removed and stops what it ran.
  await eventually('the removed node stopped its tasks', async () => processes.every((pid) => !alive(pid)));
  const log = await readFile(join(c.dataDir('w2'), 'daemon.log'), 'utf8');
  t.regex(log, /it was removed: join it again/);
});

test.serial('env templates expand on the node that runs the task', async (t) => {
  const created = await c.cli(
    'm1',
    'service',
    'create',
    '--name',
    'tmpl',
    '--env',
    'GREETING={{.Service.Name}}.{{.Task.Slot}}@{{.Node.Hostname}}',
    'host',
    'sh',
    '-c',
    'echo "greeting=$GREETING"; sleep 100000',
  );
  t.is(created.code, 0, created.stderr);
  const [task] = running(await c.json<Task[]>('m1', 'service', 'ps', 'tmpl', '--format', 'raw'));
  const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
  const host = nodes.find((n) => n.id === task?.nodeId)?.description?.hostname ?? '';
  const out = await eventually('the task printed its greeting', async () => {
    const dir = join(c.dataDir(host), 'runtime', 'process');
    for (const id of await readdir(dir)) {
      const text = await readFile(join(dir, id, 'stdout.log'), 'utf8').catch(() => '');
      if (text.includes('greeting=')) return text;
    }
    return undefined;
  });
  t.regex(out, new RegExp(`greeting=tmpl\\.1@${host}`));
});
