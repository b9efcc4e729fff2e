/**
 * Named volumes of a Compose file on a node with a private containerd: `stack deploy` waits
 * for the service, whose spec has the stack's volumes as mounts (`<stack>_<key>`, with the
 * local driver's options); its task runs with them (a plain directory volume and a tmpfs
 * one, made by the node as the task starts); deploying again changes nothing; they stay after
 * `stack rm` until removed.
 */
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service, Task } from '../../proto/types.js';
import { eventually, runCli } from './cluster-harness.js';
import { containerdMissing, sharedContainerdCluster } from './containerd-harness.js';
import { skippedBecause } from './host-tools.js';

const missing = await containerdMissing();

const COMPOSE = `
services:
  db:
    image: flotilla/busybox
    command: sleep 100000
    stop_grace_period: 1s
    # The node's network: overlay networks are not what this test is about.
    network_mode: host
    volumes:
      - data:/data
      - type: volume
        source: scratch
        target: /scratch
        volume: {nocopy: true}
volumes:
  data: {}
  scratch:
    driver: local
    driver_opts: {type: tmpfs, device: tmpfs, o: "size=8m,mode=1777"}
`;

if (missing) {
  skippedBecause(test, 'stack volumes on containerd', missing);
} else {
  const shared = sharedContainerdCluster(test);

  test.serial(
    'a stack with named volumes: their mounts reach the spec, and the task runs with them',
    async (t) => {
      t.timeout(240_000);
      const c = shared.cluster();
      await shared.initNode(t);

      const dir = await mkdtemp(join(tmpdir(), 'st-stack-volumes-'));
      await writeFile(join(dir, 'compose.yml'), COMPOSE);
      const deploy = await runCli([
        ...c.admin('m1'),
        'stack',
        'deploy',
        '-c',
        join(dir, 'compose.yml'),
        'vs',
      ]);
      t.is(deploy.code, 0, deploy.stderr + deploy.stdout);
      t.regex(deploy.stdout, /Creating service vs_db/);
      t.regex(deploy.stdout, /^vs_db: converged \(v1\)$/m);

      const [service] = await c.json<Service[]>('m1', 'service', 'inspect', 'vs_db');
      t.deepEqual(service!.spec!.task!.container!.mounts, [
        {
          type: 'volume',
          source: 'vs_data',
          target: '/data',
          readOnly: false,
          volumeDriver: '',
          volumeOptions: {},
        },
        {
          type: 'volume',
          source: 'vs_scratch',
          target: '/scratch',
          readOnly: false,
          volumeDriver: 'local',
          volumeOptions: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m,mode=1777' },
        },
      ]);
      const pretty = await c.cli('m1', 'service', 'inspect', '--pretty', 'vs_db');
      t.regex(
        pretty.stdout,
        /Source:\s+vs_scratch\n.*\n.*\n\s+Volume Driver:\s+local\n\s+Volume Options:\s+type=tmpfs/,
      );

      // Converged: the task runs, with both volumes mounted where the file says.
      const [task] = (await c.json<Task[]>('m1', 'service', 'ps', 'vs_db', '--format', 'raw')).filter(
        (x) => x.status?.state === 'RUNNING',
      );
      t.truthy(task, 'a running task');
      const write = await c.cli('m1', 'task', 'exec', task!.id, '--', 'sh', '-c', 'echo kept > /data/note');
      t.is(write.code, 0, write.stderr);
      const mounts = await c.cli('m1', 'task', 'exec', task!.id, '--', 'cat', '/proc/mounts');
      t.regex(mounts.stdout, /^tmpfs \/scratch tmpfs .*size=8192k/m);
      const volumes = await c.json<
        { name: string; driver: string; usedBy: string[]; options: Record<string, string> }[]
      >('m1', ...['volume', 'ls', '--format', 'json']);
      t.deepEqual(
        volumes.map((v) => [v.name, v.usedBy]),
        [
          ['vs_data', [task!.id]],
          ['vs_scratch', [task!.id]],
        ],
      );
      t.like(volumes[1]!.options, { type: 'tmpfs' });

      // The same file again: the stored spec, volumes and all, compares unchanged.
      const again = await runCli([...c.admin('m1'), 'stack', 'deploy', '-c', join(dir, 'compose.yml'), 'vs']);
      t.is(again.code, 0, again.stderr);
      t.regex(again.stdout, /^Service vs_db unchanged$/m);

      // As in Docker, `stack rm` leaves the volumes; they go once no container uses them.
      const rm = await c.cli('m1', 'stack', 'rm', 'vs');
      t.is(rm.code, 0, rm.stderr);
      for (const name of ['vs_data', 'vs_scratch']) {
        await eventually(`${name} free to remove`, async () => {
          const res = await c.cli('m1', 'volume', 'rm', name);
          return res.code === 0 || undefined;
        });
      }
      t.deepEqual(await c.json('m1', 'volume', 'ls', '--format', 'json'), []);
    },
  );
}
