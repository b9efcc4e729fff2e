/**
 * The agent's bookkeeping of secret and config values: what a task gets from the values the
 * dispatcher sends, how long a value is kept (while a task the agent holds uses it; a
 * COMPLETE set replaces them all), a task whose value never came, and the pruning of the
 * files of tasks the node no longer has. A fake dispatcher and a driver that only records.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { newId } from '../../../lib/ids.js';
import type { FileReference, Task } from '../../../proto/types.js';
import type { ContainerSpec, RuntimeDriver } from '../../../runtime/driver.js';
import { SECRETS_BASE } from '../../../worker/secret-files.js';
import { SecretValues } from '../../../worker/secret-values.js';
import { eventually, makeService, makeStatus, makeTask } from '../helpers.js';
import { recordingDispatcher, runAgainst } from './recording-dispatcher.js';
import { testAgent } from './test-agent.js';

function fileRef(name: string, fields: Partial<FileReference> = {}): FileReference {
  return {
    id: `id-${name}`,
    name,
    target: `/run/secrets/${name}`,
    uid: '',
    gid: '',
    mode: 0,
    env: '',
    ...fields,
  };
}

/** A task of the process runtime with these secrets and configs, assigned to run. */
function taskWith(secrets: FileReference[], configs: FileReference[] = []): Task {
  const task = makeTask(makeService(), { status: makeStatus('ASSIGNED') });
  Object.assign(task.spec!.container!, { secrets, configs });
  return task;
}

const value = (name: string, text: string) => ({ id: `id-${name}`, data: Buffer.from(text) });

test('values: a task gets those of its references; unused ones go; a COMPLETE set replaces them all', (t) => {
  const values = new SecretValues();
  const a = taskWith([fileRef('a')], [fileRef('c')]);
  const b = taskWith([fileRef('b')]);
  values.receive({ kind: 'INCREMENTAL', values: [value('a', '1'), value('b', '2'), value('c', '3')] });
  t.deepEqual(
    [...values.forTask(a)],
    [
      ['id-a', Buffer.from('1')],
      ['id-c', Buffer.from('3')],
    ],
  );
  values.retain([b]);
  t.is(values.forTask(a).size, 0, 'no held task uses a or c');
  t.deepEqual([...values.forTask(b).keys()], ['id-b']);
  values.receive({ kind: 'INCREMENTAL', values: [value('a', '1')] });
  t.deepEqual([...values.forTask(taskWith([fileRef('a'), fileRef('b')])).keys()], ['id-a', 'id-b']);
  values.receive({ kind: 'COMPLETE', values: [value('c', '4')] });
  t.deepEqual(
    [...values.forTask(taskWith([fileRef('a'), fileRef('b'), fileRef('c')]))],
    [['id-c', Buffer.from('4')]],
  );
});

/** A runtime that records the containers made and removed, which run until stopped. */
function recordingDriver() {
  const created: ContainerSpec[] = [];
  const driver = {
    name: 'recording',
    canRun: () => true,
    ensureImage: async () => undefined,
    create: async (spec: ContainerSpec) => `c${created.push(spec)}`,
    start: async () => undefined,
    inspect: async (id: string) => ({
      id,
      image: 'host',
      labels: {},
      state: 'running',
      createdAt: 0,
      pid: 1,
    }),
    wait: () => new Promise(() => undefined),
    stop: async () => undefined,
    remove: async () => undefined,
    list: async () => [],
  } as unknown as RuntimeDriver;
  return { driver, created };
}

test('the agent hands each task the values of its references, keeps them while a task uses them, and prunes the files of tasks gone', async (t) => {
  const nodeId = newId();
  const nodeDir = join(SECRETS_BASE, nodeId);
  await mkdir(join(nodeDir, 'stale-1'), { recursive: true });
  const dispatcher = await recordingDispatcher();
  const { driver, created } = recordingDriver();
  const agent = await testAgent([dispatcher.addr], { nodeId, drivers: [driver] });
  await runAgainst(t, agent, dispatcher, () => rm(nodeDir, { recursive: true, force: true }));
  t.false(
    existsSync(join(nodeDir, 'stale-1')),
    'a previous run left it; no container of this node has its task',
  );

  // A secret in an environment variable and a config at an absolute target.
  const t1 = taskWith([fileRef('s1', { env: 'S1' })], [fileRef('c1', { target: '/etc/app.conf' })]);
  dispatcher.send({ kind: 'COMPLETE', tasks: [t1], values: [value('s1', 'one'), value('c1', 'conf')] });
  await eventually(() => created.length === 1);
  const dir1 = join(nodeDir, t1.id);
  t.like(created[0], { env: { FLOTILLA_SECRETS_DIR: dir1 }, secretEnv: { S1: 'one' } });
  t.is(await readFile(join(dir1, 's1'), 'utf8'), 'one');
  t.is(await readFile(join(dir1, 'etc/app.conf'), 'utf8'), 'conf');

  // A value still held (t1 uses it) serves a new task that the message sends none for.
  await mkdir(join(nodeDir, 'stale-2'));
  const t2 = taskWith([fileRef('s1', { env: 'S1' })]);
  dispatcher.send({ kind: 'INCREMENTAL', tasks: [t2] });
  await eventually(() => created.length === 2);
  t.like(created[1], { secretEnv: { S1: 'one' } });

  // Once no task uses it, it is forgotten: a task sent without it fails, naming it.
  dispatcher.send({ kind: 'INCREMENTAL', removed: [t1.id, t2.id] });
  await eventually(() => !existsSync(dir1) && !existsSync(join(nodeDir, t2.id)));
  const t3 = taskWith([fileRef('s1')]);
  dispatcher.send({ kind: 'INCREMENTAL', tasks: [t3] });
  const failed = await eventually(
    () => dispatcher.statuses.get(t3.id)?.state === 'FAILED' && dispatcher.statuses.get(t3.id),
  );
  t.is(failed.err, 'secret "s1" (id-s1) has no value on this node');
  t.is(created.length, 2);
  t.true(existsSync(join(nodeDir, 'stale-2')), 'only a COMPLETE set says which tasks the node has');

  // A COMPLETE set: the files of every task not in it go.
  const t4 = taskWith([], [fileRef('c1', { target: '/etc/app.conf' })]);
  dispatcher.send({ kind: 'COMPLETE', tasks: [t4], values: [value('c1', 'conf2')] });
  await eventually(() => created.length === 3);
  t.is(await readFile(join(nodeDir, t4.id, 'etc/app.conf'), 'utf8'), 'conf2');
  await eventually(() => !existsSync(join(nodeDir, 'stale-2')));
  t.false(existsSync(join(nodeDir, t3.id)));

  // A held task's new version that no longer uses a value: it is forgotten too.
  const t4b = structuredClone(t4);
  t4b.spec!.container!.configs = [];
  dispatcher.send({ kind: 'INCREMENTAL', tasks: [t4b] });
  const t5 = taskWith([], [fileRef('c1', { target: '/etc/app.conf' })]);
  dispatcher.send({ kind: 'INCREMENTAL', tasks: [t5] });
  const t5failed = await eventually(
    () => dispatcher.statuses.get(t5.id)?.state === 'FAILED' && dispatcher.statuses.get(t5.id),
  );
  t.is(t5failed.err, 'config "c1" (id-c1) has no value on this node');
});
