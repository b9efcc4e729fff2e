/**
 * A rolling update behind the routing mesh drops nothing: a published service of real
 * processes (test/fixtures/slot-server) updated with `--update-order start-first` and a
 * health check that connects to the task's port, while clients send requests through the
 * node's mesh the whole time, each on a fresh connection. None fails, and once the update
 * completes every answer comes from a task of the new version.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import type { Task } from '../../proto/types.js';
import { eventually, freePort, LocalCluster } from './cluster-harness.js';
import { getSlot } from './slot-client.js';

const server = fileURLToPath(new URL('../fixtures/slot-server.js', import.meta.url));
// Healthy once the task accepts connections on its port.
const HEALTH = `${process.execPath} -e "require('net').connect(process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;

let cluster: LocalCluster;

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  if (init.code !== 0) throw new Error(init.stderr);
});

test.after.always(async () => {
  await cluster?.destroy();
});

const running = async (name: string) =>
  (await cluster.json<Task[]>('m1', 'service', 'ps', name, '--format', 'raw')).filter(
    (t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING',
  );

test('a start-first rolling update under continuous requests through the mesh fails none', async (t) => {
  // A port free on this machine: other test files' clusters would take the same one from 30000 up.
  const port = await freePort();
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '-d', '--name', 'web', '--replicas', '2', '-p', `${port}:80`],
    ...['--update-order', 'start-first', '--update-monitor', '500ms', '--stop-grace-period', '2s'],
    ...['--health-cmd', HEALTH, '--health-interval', '200ms', '--health-retries', '50'],
    ...['host', process.execPath, server],
  );
  t.is(create.code, 0, create.stderr);
  await eventually('web runs', async () => (await running('web')).length === 2);
  const host = cluster.addr('m1').replace(/:\d+$/, '');
  const oldTasks = new Set((await running('web')).map((task) => task.id));
  await eventually('the mesh reaches web', async () =>
    oldTasks.has(
      await getSlot(host, port)
        .then((a) => a.task)
        .catch(() => ''),
    ),
  );

  // Two clients, one request after another each, until told to stop.
  const answers: string[] = [];
  const failures: string[] = [];
  let sending = true;
  const client = async () => {
    while (sending) {
      await getSlot(host, port)
        .then((a) => a.task)
        .then(
          (task) => answers.push(task),
          (err: Error) => failures.push(err.message),
        );
    }
  };
  const clients = [client(), client()];

  const update = await cluster.cli('m1', 'service', 'update', '--env-add', 'V=2', 'web');
  t.is(update.code, 0, update.stdout + update.stderr);
  const newTasks = new Set((await running('web')).map((task) => task.id));
  t.is(newTasks.size, 2);
  t.false(
    [...newTasks].some((id) => oldTasks.has(id)),
    'every task was replaced',
  );
  // Past the endpoint change: a few more requests that must all reach the new version.
  const seen = answers.length;
  await eventually('requests after the update', async () => answers.length >= seen + 20);
  sending = false;
  await Promise.all(clients);

  t.log(`${answers.length} requests answered, ${failures.length} failed`);
  t.deepEqual(failures, [], `${failures.length} of ${answers.length + failures.length} requests failed`);
  t.true(
    answers.some((task) => oldTasks.has(task)),
    'the old version answered before',
  );
  const after = answers.slice(seen);
  t.true(
    after.every((task) => newTasks.has(task)),
    `after the update only new tasks answer: ${after.filter((task) => !newTasks.has(task)).length} did not`,
  );
});
