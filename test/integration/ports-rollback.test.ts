/**
 * Published ports through an update and a rollback: an update that moves a service to
 * another port replaces its tasks (they carry the ports they were made for), frees the old
 * port and reserves the new one; `service rollback` reserves the old port again and frees
 * the new one, and the node's mesh answers on whichever port the service holds. Real
 * daemons and real processes (test/fixtures/slot-server).
 */
import test from 'ava';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Service, Task } from '../../proto/types.js';
import { eventually, freePort, LocalCluster } from './cluster-harness.js';

const server = fileURLToPath(new URL('../fixtures/slot-server.js', import.meta.url));

let cluster: LocalCluster;
let host: string;

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  if (init.code !== 0) throw new Error(init.stderr);
  host = cluster.addr('m1').replace(/:\d+$/, '');
});

test.after.always(async () => {
  await cluster?.destroy();
});

const service = async (name: string) => (await cluster.json<Service[]>('m1', 'service', 'inspect', name))[0]!;
const published = async (name: string) =>
  (await service(name)).endpoint?.ports.map((p) => p.publishedPort) ?? [];
const running = async (name: string) =>
  (await cluster.json<Task[]>('m1', 'service', 'ps', name, '--format', 'raw')).filter(
    (t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING',
  );
const taskPorts = (t: Task) => t.endpoint?.ports.map((p) => p.publishedPort) ?? [];

/** Whether something accepts TCP connections on the node's address at `port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Creates a one-task service publishing `port`: the CLI result says whether the port was free. */
const probe = (name: string, port: number) =>
  cluster.cli('m1', 'service', 'create', '-d', '--name', name, '-p', `${port}:80`, 'host', 'sleep', '100000');

test('an update to another published port rolls out, and a rollback takes the old port back', async (t) => {
  const [before, after] = [await freePort(), await freePort()];
  const create = await cluster.cli(
    'm1',
    ...['service', 'create', '--name', 'web', '--replicas', '2', '-p', `${before}:80`],
    ...['--update-monitor', '500ms', '--rollback-monitor', '500ms', '--stop-grace-period', '2s'],
    ...['host', process.execPath, server],
  );
  t.is(create.code, 0, create.stdout + create.stderr);
  const first = await running('web');
  t.true(first.every((task) => taskPorts(task).join() === `${before}`));
  await eventually(`the mesh on ${before}`, () => listening(before));

  const update = await cluster.cli(
    'm1',
    ...['service', 'update', '--publish-rm', String(before), '--publish-add', `${after}:80`, 'web'],
  );
  t.is(update.code, 0, update.stdout + update.stderr);
  t.deepEqual(await published('web'), [after]);
  const second = await running('web');
  t.is(second.length, 2);
  t.false(
    second.some((task) => first.some((old) => old.id === task.id)),
    'the tasks were replaced',
  );
  t.true(second.every((task) => taskPorts(task).join() === `${after}`));
  await eventually(`the mesh on ${after}`, () => listening(after));
  await eventually(`the mesh off ${before}`, async () => !(await listening(before)));
  // The old port is free again for any service.
  const freed = await probe('probe1', before);
  t.is(freed.code, 0, freed.stderr);
  t.is((await cluster.cli('m1', 'service', 'rm', 'probe1')).code, 0);

  const back = await cluster.cli('m1', 'service', 'rollback', 'web');
  t.is(back.code, 0, back.stdout + back.stderr);
  t.deepEqual(await published('web'), [before], 'the old port is reserved again');
  const third = await running('web');
  t.is(third.length, 2);
  t.true(third.every((task) => taskPorts(task).join() === `${before}`));
  await eventually(`the mesh on ${before} again`, () => listening(before));
  await eventually(`the mesh off ${after}`, async () => !(await listening(after)));
  const taken = await probe('probe2', before);
  t.not(taken.code, 0);
  t.regex(taken.stderr, new RegExp(`published port ${before}/tcp is already in use by service "web"`));
  const released = await probe('probe3', after);
  t.is(released.code, 0, `the update's port is free after the rollback: ${released.stderr}`);
});
