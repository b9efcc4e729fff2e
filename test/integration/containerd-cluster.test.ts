/**
 * Real containers through a cluster: a node whose daemon uses a private containerd
 * (containerd-harness.ts) runs a 3-replica busybox service, reports the containerd runtime,
 * and once the service is removed leaves no container, shim or mount behind.
 */
import test from 'ava';
import { tmpdir } from 'node:os';
import type { Node, Task } from '../../proto/types.js';
import { ContainerdDriver } from '../../runtime/containerd/index.js';
import { eventually } from './cluster-harness.js';
import {
  containerdMissing,
  sharedContainerdCluster,
  testImages,
  type PrivateContainerd,
} from './containerd-harness.js';
import { skippedBecause } from './host-tools.js';

const missing = await containerdMissing();

const running = (tasks: Task[]) => tasks.filter((t) => t.status?.state === 'RUNNING');

/** The containers in the private containerd's flotilla namespace. */
async function containers(containerd: PrivateContainerd): Promise<{ id: string; state: string }[]> {
  const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
  try {
    return await driver.list({});
  } finally {
    await driver.close();
  }
}

if (missing) {
  skippedBecause(test, 'containerd cluster', missing);
} else {
  const shared = sharedContainerdCluster(test);

  test.serial(
    'a node with containerd runs a 3-replica busybox service and removes it without a trace',
    async (t) => {
      const c = shared.cluster();
      const init = await c.init('m1', ...shared.containerd().nodeArgs());
      t.is(init.code, 0, init.stderr);
      const [node] = await eventually('the node to report its runtimes', async () => {
        const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
        return nodes[0]?.description?.runtimes.includes('containerd') ? nodes : undefined;
      });
      t.deepEqual([...(node?.description?.runtimes ?? [])].sort(), ['containerd', 'process']);

      const load = await c.cli('m1', 'image', 'load', '--node', 'm1', (await testImages()).busybox);
      t.is(load.code, 0, load.stderr);
      t.regex(load.stdout, /m1: loaded docker.io\/flotilla\/busybox:latest/);
      t.regex(load.stderr, /100%/);
      const ls = await c.json<{ node: string; name: string }[]>('m1', 'image', 'ls', '--format', 'json');
      t.deepEqual(
        ls.map((i) => [i.node, i.name]),
        [['m1', 'docker.io/flotilla/busybox:latest']],
      );

      const create = await c.cli(
        'm1',
        'service',
        'create',
        '-d',
        '--name',
        'bb',
        '--replicas',
        '3',
        '--stop-grace-period',
        '1s',
        'flotilla/busybox',
        'sh',
        '-c',
        'echo "hello from $(hostname)"; exec sleep 100000',
      );
      t.is(create.code, 0, create.stderr);
      await eventually('3 running tasks', async () => {
        const tasks = await c.json<Task[]>('m1', 'service', 'ps', 'bb', '--format', 'raw');
        return running(tasks).length === 3;
      });
      const live = await containers(shared.containerd());
      t.is(live.filter((x) => x.state === 'running').length, 3);

      const logs = await eventually('the logs of all three', async () => {
        const res = await c.cli('m1', 'service', 'logs', 'bb');
        return res.stdout.split('\n').filter((l) => / \| hello from /.test(l)).length === 3 ? res : undefined;
      });
      t.regex(logs.stdout, /^bb\.1\.\w+@m1 \| hello from \w+$/m);
      const exec = await c.cli('m1', 'task', 'exec', 'bb.1', '--', 'sh', '-c', 'echo inside; exit 7');
      t.is(exec.code, 7, exec.stderr);
      t.is(exec.stdout, 'inside\n');
      const inspect = JSON.parse((await c.cli('m1', 'task', 'inspect', 'bb.2')).stdout) as {
        container: { runtime: string; state: string; memoryBytes: number };
      };
      t.like(inspect.container, { runtime: 'containerd', state: 'running' });
      t.true(inspect.container.memoryBytes > 0);
      const stats = await c.json<{ task: string }[]>('m1', 'task', 'stats', 'bb', '--format', 'json');
      t.deepEqual(
        stats.map((x) => x.task),
        ['bb.1', 'bb.2', 'bb.3'],
      );

      // A daemon killed and restarted adopts its containers by their labels: no duplicates.
      const before = (await containers(shared.containerd())).map((x) => x.id).sort();
      await c.stop('m1', 'SIGKILL');
      c.restart('m1');
      await eventually('the node back with its 3 tasks running', async () => {
        const tasks = await c.json<Task[]>('m1', 'service', 'ps', 'bb', '--format', 'raw');
        return running(tasks).length === 3;
      });
      const after = await containers(shared.containerd());
      t.deepEqual(after.map((x) => x.id).sort(), before);
      t.true(after.every((x) => x.state === 'running'));

      const rm = await c.cli('m1', 'service', 'rm', 'bb');
      t.is(rm.code, 0, rm.stderr);
      await eventually(
        'no containers left',
        async () => (await containers(shared.containerd())).length === 0,
      );
      await eventually('no shims left', async () => (await shared.containerd().shims()).length === 0);
      t.deepEqual(await shared.containerd().mounts(), []);

      const rmi = await c.cli('m1', 'image', 'rm', 'flotilla/busybox');
      t.is(rmi.code, 0, rmi.stderr);
      t.deepEqual(await c.json('m1', 'image', 'ls', '--format', 'json'), []);
    },
  );

  test.serial('logs and exec work for host (process) tasks too', async (t) => {
    const c = shared.cluster();
    const create = await c.cli(
      'm1',
      'service',
      'create',
      '-d',
      '--name',
      'hs',
      'host',
      'sh',
      '-c',
      'echo from-host; exec sleep 100000',
    );
    t.is(create.code, 0, create.stderr);
    const logs = await eventually('the host task logs', async () => {
      const res = await c.cli('m1', 'service', 'logs', 'hs.1');
      return res.stdout.includes('from-host') ? res : undefined;
    });
    t.is(logs.stdout, 'from-host\n');
    const exec = await c.cli('m1', 'task', 'exec', 'hs.1', '--', 'sh', '-c', 'exit 3');
    t.is(exec.code, 3);
    t.is((await c.cli('m1', 'service', 'rm', 'hs')).code, 0);
  });
}
