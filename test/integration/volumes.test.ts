/**
 * Named volumes on a node with a private containerd: a task writes into its volume, its
 * replacement after `service update --force` reads it back on the same node; `volume ls`
 * shows it in use, `volume rm` is refused until the service is gone, and then takes the
 * directory with it. A plain process task is refused a volume at the API.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../proto/types.js';
import { eventually } from './cluster-harness.js';
import { containerdMissing, sharedContainerdCluster } from './containerd-harness.js';
import { skippedBecause } from './host-tools.js';

const missing = await containerdMissing();

const running = (tasks: Task[]) => tasks.filter((t) => t.status?.state === 'RUNNING');

if (missing) {
  skippedBecause(test, 'volumes on containerd', missing);
} else {
  const shared = sharedContainerdCluster(test);

  test.serial(
    'a volume outlives its task on the node, and is removed once no container uses it',
    async (t) => {
      const c = shared.cluster();
      await shared.initNode(t);

      const host = await c.cli(
        'm1',
        ...['service', 'create', '-d', '--name', 'h', '--mount', 'type=volume,source=state,target=/data'],
        ...['host', 'sleep', '100'],
      );
      t.not(host.code, 0);
      t.regex(host.stderr, /--mount.*plain process/);

      const create = await c.cli(
        'm1',
        ...['service', 'create', '-d', '--name', 'vol', '--stop-grace-period', '1s'],
        ...['--mount', 'type=volume,source=state,target=/data'],
        ...['flotilla/busybox', 'sleep', '100000'],
      );
      t.is(create.code, 0, create.stderr);
      const first = await eventually(
        'the task running',
        async () => running(await c.json<Task[]>('m1', 'service', 'ps', 'vol', '--format', 'raw'))[0],
      );
      const write = await c.cli('m1', 'task', 'exec', 'vol.1', '--', 'sh', '-c', 'echo kept > /data/note');
      t.is(write.code, 0, write.stderr);

      const update = await c.cli('m1', 'service', 'update', '-d', '--force', 'vol');
      t.is(update.code, 0, update.stderr);
      const second = await eventually('the replacement running', async () => {
        const tasks = running(await c.json<Task[]>('m1', 'service', 'ps', 'vol', '--format', 'raw'));
        return tasks.find((x) => x.id !== first.id);
      });
      const read = await eventually('the replacement to read the note', async () => {
        const res = await c.cli('m1', 'task', 'exec', second.id, '--', 'cat', '/data/note');
        return res.code === 0 ? res : undefined;
      });
      t.is(read.stdout, 'kept\n');

      // The old task's container, kept until the task is, still counts as a user (as in Docker).
      const ls = await eventually('the volume listed as used by the replacement', async () => {
        const rows = await c.json<{ node: string; name: string; driver: string; usedBy: string[] }[]>(
          'm1',
          ...['volume', 'ls', '--format', 'json'],
        );
        return rows.length === 1 && rows[0]?.usedBy.includes(second.id) ? rows : undefined;
      });
      t.like(ls[0], { node: 'm1', name: 'state', driver: 'local' });
      const table = await c.cli('m1', 'volume', 'ls');
      t.regex(table.stdout, new RegExp(`^m1\\s+state\\s+local\\s+\\d.*${second.id}`, 'm'));

      const dir = join(c.dataDir('m1'), 'runtime', 'volumes', 'state');
      const refused = await c.cli('m1', 'volume', 'rm', 'state');
      t.not(refused.code, 0);
      t.regex(refused.stderr, /in use/);
      t.true(existsSync(join(dir, '_data', 'note')));

      const rm = await c.cli('m1', 'service', 'rm', 'vol');
      t.is(rm.code, 0, rm.stderr);
      const removed = await eventually('the volume free to remove', async () => {
        const res = await c.cli('m1', 'volume', 'rm', 'state');
        return res.code === 0 ? res : undefined;
      });
      t.regex(removed.stdout, /m1: removed state/);
      t.false(existsSync(dir));
      t.deepEqual(await c.json('m1', 'volume', 'ls', '--format', 'json'), []);
    },
  );
}
