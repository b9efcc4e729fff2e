/**
 * Real containers through a cluster: a node whose daemon uses a private containerd
 * (containerd-harness.ts) runs a 3-replica busybox service, reports the containerd runtime,
 * and once the service is removed leaves no container, shim or mount behind.
 */
import test from 'ava';
import { tmpdir } from 'node:os';
import type { Node, Task } from '../../proto/types.js';
import { ContainerdDriver } from '../../runtime/containerd/index.js';
import { eventually, LocalCluster } from './cluster-harness.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';

const missing = await containerdMissing();
let cluster: LocalCluster | undefined;
let containerd: PrivateContainerd | undefined;

const running = (tasks: Task[]) => tasks.filter((t) => t.status?.state === 'RUNNING');

/** The containers in the private containerd's flotilla namespace. */
async function containers(): Promise<{ id: string; state: string }[]> {
  const driver = new ContainerdDriver({ socket: containerd!.socket, root: tmpdir() });
  try {
    return await driver.list({});
  } finally {
    await driver.close();
  }
}

if (missing) {
  test('containerd cluster: skipped', (t) => {
    t.log(`skipped: ${missing}`);
    t.pass();
  });
} else {
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    cluster = await LocalCluster.create();
    const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
    try {
      await driver.images.load((await testImages()).busybox);
    } finally {
      await driver.close();
    }
  });

  test.after.always(async () => {
    await cluster?.destroy();
    await containerd?.stop();
  });

  test.serial(
    'a node with containerd runs a 3-replica busybox service and removes it without a trace',
    async (t) => {
      const c = cluster!;
      const init = await c.init(
        'm1',
        '--dispatcher-heartbeat',
        '1s',
        '--containerd-socket',
        containerd!.socket,
      );
      t.is(init.code, 0, init.stderr);
      const [node] = await eventually('the node to report its runtimes', async () => {
        const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'json');
        return nodes[0]?.description?.runtimes.includes('containerd') ? nodes : undefined;
      });
      t.deepEqual([...(node?.description?.runtimes ?? [])].sort(), ['containerd', 'process']);

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
        'sleep',
        '100000',
      );
      t.is(create.code, 0, create.stderr);
      await eventually('3 running tasks', async () => {
        const tasks = await c.json<Task[]>('m1', 'service', 'ps', 'bb', '--format', 'json');
        return running(tasks).length === 3;
      });
      const live = await containers();
      t.is(live.filter((x) => x.state === 'running').length, 3);

      const rm = await c.cli('m1', 'service', 'rm', 'bb');
      t.is(rm.code, 0, rm.stderr);
      await eventually('no containers left', async () => (await containers()).length === 0);
      await eventually('no shims left', async () => (await containerd!.shims()).length === 0);
      t.deepEqual(await containerd!.mounts(), []);
    },
  );
}
