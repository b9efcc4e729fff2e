/**
 * What a simulated node holds per task, kept small: the tasks of a service version share one
 * frozen spec (SharedTasks), and SimDriver's containers start, stop, exit and go as a
 * runtime's do. Then an agent with both, as sim-workers runs it, against a fake dispatcher.
 */
import test from 'ava';
import type { Task } from '../../../proto/types.js';
import { SimDriver } from '../../../sim/driver.js';
import { SharedTasks } from '../../../sim/shared-tasks.js';
import { simUsage } from '../../../sim/usage.js';
import { eventually, makeService, makeStatus, makeTask } from '../helpers.js';
import { recordingDispatcher, runAgainst } from '../worker/recording-dispatcher.js';
import { testAgent } from '../worker/test-agent.js';

const assigned = (service = makeService()): Task => makeTask(service, { status: makeStatus('ASSIGNED') });

test('the tasks of one service version share one frozen spec; a spec that differs keeps its own', (t) => {
  const keeper = new SharedTasks();
  const service = makeService();
  const a = keeper.keep(assigned(service));
  const b = keeper.keep(assigned(service));
  t.is(a.spec, b.spec, 'one spec for both');
  t.true(Object.isFrozen(a) && Object.isFrozen(a.spec));
  t.is(a.status, null, 'the status the managers sent is not kept');
  t.is(a.meta, null);
  const edited = assigned(service);
  edited.spec!.container!.image = 'other';
  const c = keeper.keep(edited);
  t.not(c.spec, a.spec);
  t.is(c.spec?.container?.image, 'other', 'read as written, though its key is the others’');

  // Once no task holds the kept spec, the next one under the key is kept in its place.
  keeper.release(a);
  keeper.release(b);
  const d = keeper.keep(edited);
  t.is(keeper.keep(edited).spec, d.spec);
  t.is(d.spec?.container?.image, 'other');
});

test('a simulated container: created, running once started, exits with the stop signal, removed once stopped', async (t) => {
  const driver = new SimDriver();
  const labels = { 'flotilla.node.id': 'n1', 'flotilla.task.id': 't1' };
  const id = await driver.create({ image: 'any', command: [], env: {}, labels });
  t.like(await driver.inspect(id), { id, image: 'any', state: 'created', labels });
  const exited = driver.wait(id);
  await driver.start(id);
  t.like(await driver.inspect(id), { state: 'running' });
  t.truthy((await driver.inspect(id)).startedAt);
  await t.throwsAsync(driver.remove(id), { message: /is running: stop it first/ });
  t.deepEqual(
    (await driver.list({ 'flotilla.node.id': 'n1' })).map((c) => c.id),
    [id],
  );
  t.deepEqual(await driver.list({ 'flotilla.node.id': 'n2' }), []);
  await driver.stop(id);
  t.like(await exited, { exitCode: 143, signal: 'SIGTERM' });
  t.is(await driver.wait(id), await exited, 'waiting after the exit gets the same status');
  t.like(await driver.inspect(id), { state: 'exited', exit: await exited });
  await driver.remove(id);
  await t.throwsAsync(driver.inspect(id), { message: /no container/ });
});

test('a simulated node runs its tasks to RUNNING, stops the one told to, and counts them in its usage', async (t) => {
  const dispatcher = await recordingDispatcher();
  const agent = await testAgent([dispatcher.addr], { drivers: [new SimDriver()], tasks: new SharedTasks() });
  await runAgainst(t, agent, dispatcher);
  const service = makeService();
  const [t1, t2] = [assigned(service), assigned(service)];
  dispatcher.send({ kind: 'COMPLETE', tasks: [t1, t2] });
  const state = (task: Task) => dispatcher.statuses.get(task.id)?.state;
  await eventually(() => state(t1) === 'RUNNING' && state(t2) === 'RUNNING');
  t.like(simUsage(), { tasks: 2, running: 2 });

  dispatcher.send({ kind: 'INCREMENTAL', tasks: [{ ...t2, desiredState: 'SHUTDOWN' }] });
  await eventually(() => state(t2) === 'SHUTDOWN');
  t.like(dispatcher.statuses.get(t2.id), { container: { exitCode: 143 } });
  t.like(simUsage(), { tasks: 2, running: 1 });

  dispatcher.send({ kind: 'INCREMENTAL', removed: [t2.id] });
  await eventually(() => simUsage().tasks === 1);
  t.is(state(t1), 'RUNNING');
});
