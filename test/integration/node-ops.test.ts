/**
 * Node-local operations across nodes, with the process runtime: `service logs` gathers the
 * output of a service's tasks from every node, and names a node that is gone instead of
 * failing; `image load` refuses clearly where no node has a container runtime.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial('service logs gathers every node’s tasks and notes a node that is gone', async (t) => {
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s', '--containerd-socket', '');
  t.is(init.code, 0, init.stderr);
  const token = (
    await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q'])
  ).stdout.trim();
  const join = await cluster.join('w1', 'm1', token, '--containerd-socket', '');
  t.is(join.code, 0, join.stderr);
  await eventually('two ready nodes', async () => {
    const nodes = await cluster.json<{ status: { state: string } }[]>('m1', 'node', 'ls', '--format', 'raw');
    return nodes.filter((n) => n.status.state === 'READY').length === 2;
  });
  const create = await cluster.cli(
    'm1',
    'service',
    'create',
    '-d',
    '--name',
    'echoer',
    '--replicas',
    '2',
    '--replicas-max-per-node',
    '1',
    'host',
    'sh',
    '-c',
    'echo "slot $FLOTILLA_TASK_SLOT"; exec sleep 100000',
  );
  t.is(create.code, 0, create.stderr);
  await eventually('both slots logged', async () => {
    const res = await cluster.cli('m1', 'service', 'logs', 'echoer');
    return /echoer\.1\.\w+@\w+ \| slot 1/.test(res.stdout) && /echoer\.2\.\w+@\w+ \| slot 2/.test(res.stdout);
  });
  const tail = await cluster.cli('m1', 'service', 'logs', '--tail', '0', 'echoer');
  t.is(tail.stdout, '');
  const stamped = await cluster.cli('m1', 'service', 'logs', '--timestamps', 'echoer.1');
  t.regex(stamped.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z slot 1$/m);
  const future = await cluster.cli('m1', 'service', 'logs', '--since', '2099-01-01T00:00:00Z', 'echoer');
  t.is(future.stdout, '');
  t.regex((await cluster.cli('m1', 'service', 'logs', '--since', '1h', 'echoer.2')).stdout, /slot 2/);

  // -f keeps the stream open: it shows what is there, then waits for more.
  const follower = spawn(process.execPath, [
    cli,
    '--host',
    cluster.addr('m1'),
    '--cert-path',
    cluster.certPath,
    'service',
    'logs',
    '-f',
    'echoer.1',
  ]);
  let followed = '';
  follower.stdout.on('data', (chunk: Buffer) => (followed += chunk.toString()));
  await eventually('the followed line', async () => followed.includes('slot 1'));
  t.is(follower.exitCode, null, 'still following');
  follower.kill();

  await cluster.stop('w1', 'SIGKILL');
  const partial = await cluster.cli('m1', 'service', 'logs', 'echoer');
  t.is(partial.code, 0, partial.stderr);
  const tasks = await cluster.json<Task[]>('m1', 'service', 'ps', 'echoer', '--format', 'raw');
  t.true(tasks.length >= 2);
  t.regex(partial.stdout, /@m1 \| slot \d/);
  t.regex(partial.stderr, /note: node w1 .*(is down|could not be read).*: logs of echoer\.\d not shown/);
});

test.serial('image load with no container runtime in the cluster says so', async (t) => {
  const archive = join(cluster.root, 'empty.tar');
  await writeFile(archive, Buffer.alloc(1024));
  const res = await cluster.cli('m1', 'image', 'load', archive);
  t.is(res.code, 1);
  t.regex(res.stderr, /no ready node has a container runtime/);
  // Nodes named with --node are checked one by one.
  const named = await cluster.cli('m1', 'image', 'load', '--node', 'm1', archive);
  t.regex(named.stderr, /node m1 has no container runtime/);
  const unknown = await cluster.cli('m1', 'image', 'load', '--node', 'nosuch', archive);
  t.regex(unknown.stderr, /node nosuch not found/);
});
