/**
 * The container flags of `service create` end to end: an env file under --env, placeholders
 * expanded on the node, the command run as another user; a misspelt placeholder refused.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { Task } from '../../proto/types.js';
import { LocalCluster } from './cluster-harness.js';

let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
  // The task's user must get through to its container directory, as under /var/lib/flotilla.
  await chmod(cluster.root, 0o755);
  const init = await cluster.init('m1');
  if (init.code !== 0) throw new Error(init.stderr);
});

test.after.always(async () => {
  await cluster?.destroy();
});

test.serial('env file, --env, placeholders and --user reach the task', async (t) => {
  const envFile = join(cluster.root, 'app.env');
  await writeFile(
    envFile,
    '# app\nA=from-file\nB=from-file\nWHERE={{.Service.Name}}.{{.Task.Slot}}@{{.Node.Hostname}}\n',
  );
  const res = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'once', '--mode', 'replicated-job'],
    ...[
      '--env-file',
      envFile,
      '--env',
      'B=from-flag',
      '--user',
      'nobody',
      '--hostname',
      '{{.Service.Name}}-{{.Task.Slot}}',
    ],
    ...['host', 'sh', '-c', 'id -u; echo "$A $B $WHERE"'],
  );
  t.is(res.code, 0, res.stderr);
  t.regex(res.stdout, /1\/1 completed/);
  const [task] = await cluster.json<Task[]>('m1', 'service', 'ps', 'once', '--format', 'raw');
  t.is(task?.status?.state, 'COMPLETE');
  const id = task?.status?.container?.containerId ?? '';
  const stdout = await readFile(join(cluster.dataDir('m1'), 'runtime', 'process', id, 'stdout.log'), 'utf8');
  t.is(stdout, '65534\nfrom-file from-flag once.1@m1\n');
});

test.serial('a misspelt placeholder is refused, naming the field and the placeholders allowed', async (t) => {
  const res = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'typo', '--env', 'NAME={{.Service.Nmae}}', 'host', 'true'],
  );
  t.not(res.code, 0);
  t.regex(
    res.stderr,
    /invalid env \(--env\) NAME: expected only the placeholders \{\{\.Service\.ID\}\}.*got "\{\{\.Service\.Nmae\}\}"/,
  );
});
