import test from 'ava';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { followService } from '../../../cli/update-progress.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { Service, Task, UpdateStatus } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

/**
 * Follows `service` through a WatchService stream that sends one state and then ends, as a
 * manager going away would: the outcome if that state settles it, else the error of the end.
 */
async function followOne(service: Service, tasks: Task[], desiredTasks: number, written = service) {
  const stream = Object.assign(new EventEmitter(), { cancel: () => {} });
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:manager:4242' }),
    WatchService: () => stream,
  } as unknown as ControlClient;
  let text = '';
  const out = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const followed = followService(client, written, { out });
  stream.emit('data', { service, tasks, desiredTasks });
  stream.emit('end');
  try {
    return { outcome: await followed, text };
  } catch (err) {
    return { error: err as Error, text };
  }
}

test('a service of 0 replicas is converged at once', async (t) => {
  const res = await followOne(makeService(makeSpec({ name: 'none' }, 0)), [], 0);
  t.is(res.outcome, 'converged', res.error?.message);
  t.regex(res.text, /none: converged \(v1\)/);
});

test('a global service no node is eligible for is converged at once', async (t) => {
  const spec = makeSpec({ name: 'everywhere', mode: 'global', replicated: null, global: {} });
  t.is((await followOne(makeService(spec), [], 0)).outcome, 'converged');
});

test('a global service waits for the tasks it wants, before they are made and until they run', async (t) => {
  const service = makeService(makeSpec({ name: 'everywhere', mode: 'global', replicated: null, global: {} }));
  const before = await followOne(service, [], 1);
  t.regex(before.error?.message ?? '', /ended the watch of the service before it settled/);
  const starting = makeTask(service, { nodeId: makeNode().id, status: makeStatus('STARTING') });
  t.truthy((await followOne(service, [starting], 1)).error);
  const running = { ...starting, status: makeStatus('RUNNING') };
  t.is((await followOne(service, [running], 1)).outcome, 'converged');
});

/** Version 5 of a two-slot service, its update (from 4) as `state`, started at time 1000. */
function atV5(state: UpdateStatus['state'], updatedAt: number): Service {
  const status: UpdateStatus = {
    state,
    startedAt: 1000,
    completedAt: 0,
    message: '',
    fromVersion: 4,
    toVersion: 5,
    awaitingPromotion: false,
    promoted: false,
  };
  return {
    ...makeService(makeSpec({ name: 'web' }, 2)),
    specVersion: 5,
    updateStatus: status,
    meta: { version: 9, createdAt: 1, updatedAt },
  };
}

/** A task of `service` in `slot`, of `version`, made at `createdAt`. */
function taskOf(service: Service, slot: number, version: number, createdAt: number, state: Task['status']) {
  return makeTask(service, {
    slot,
    specVersion: version,
    meta: { version: 1, createdAt, updatedAt: createdAt },
    status: state,
    desiredState: state?.state === 'SHUTDOWN' ? 'SHUTDOWN' : 'RUNNING',
  });
}

test('a slot with no task yet shows the version it will run, as new', async (t) => {
  const service = atV5('UPDATE_COMPLETED', 1500);
  const { text } = await followOne(service, [taskOf(service, 1, 5, 1100, makeStatus('RUNNING'))], 2);
  t.regex(text, /web\.2 {2}v5 {2}new\n/);
  t.notRegex(text, /v\?|no task/);
});

test('a scale, which makes no version, shows no update arrow for slots an earlier update replaced', async (t) => {
  // Written by the scale at 5000, long after the update to v5 (1000) completed.
  const service = atV5('UPDATE_COMPLETED', 5000);
  const tasks = [
    taskOf(service, 1, 4, 500, makeStatus('SHUTDOWN')),
    taskOf(service, 1, 5, 1100, makeStatus('RUNNING')),
    taskOf(service, 2, 5, 5100, makeStatus('STARTING')),
  ];
  const { text } = await followOne(service, tasks, 2);
  t.regex(text, /web\.1 {2}v5 {2}running\n/);
  t.regex(text, /web\.2 {2}v5 {2}starting\n/);
  t.notRegex(text, /→/);
});

test('an update shows old → new for the slots it replaced, not for those earlier updates did', async (t) => {
  const service = atV5('UPDATING', 1000);
  const tasks = [
    taskOf(service, 1, 4, 500, makeStatus('SHUTDOWN')),
    taskOf(service, 1, 5, 1100, makeStatus('RUNNING')),
    // Slot 2 still runs v4, which replaced v3 in the update before.
    taskOf(service, 2, 3, 100, makeStatus('SHUTDOWN')),
    taskOf(service, 2, 4, 500, makeStatus('RUNNING')),
  ];
  const { text } = await followOne(service, tasks, 2);
  t.regex(text, /web\.1 {2}v4 → v5 {2}running\n/);
  t.regex(text, /web\.2 {2}v4 {2}running\n/);
  t.notRegex(text, /v3 → v4/);
});

test('a rollback the failure action starts after the command wrote shows old → new', async (t) => {
  const written = atV5('UPDATING', 1000);
  const service: Service = {
    ...written,
    specVersion: 6,
    updateStatus: {
      ...written.updateStatus!,
      state: 'ROLLBACK_STARTED',
      startedAt: 2000,
      fromVersion: 5,
      toVersion: 6,
    },
  };
  const tasks = [
    taskOf(service, 1, 5, 1100, makeStatus('SHUTDOWN')),
    taskOf(service, 1, 6, 2100, makeStatus('RUNNING')),
  ];
  const { text } = await followOne(service, tasks, 2, written);
  t.regex(text, /web\.1 {2}v5 → v6 {2}running\n/);
});
