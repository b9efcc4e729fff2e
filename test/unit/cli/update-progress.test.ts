import test from 'ava';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { followService, stabilityWindowMs, type Outcome } from '../../../cli/update-progress.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { DEFAULT_UPDATE_CONFIG } from '../../../proto/service-update.js';
import type { Service, Task, UpdateStatus } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';
import { FakeClock } from './fake-clock.js';

/** Follows `written` through a fake WatchService stream the test feeds, on a fake clock. */
function following(written: Service) {
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
  const clock = new FakeClock();
  let settled: Outcome | undefined;
  const followed = followService(client, written, { out, clock });
  followed.then((o) => (settled = o)).catch(() => undefined);
  return {
    clock,
    followed,
    text: () => text,
    send: (service: Service, tasks: Task[], desiredTasks: number) =>
      stream.emit('data', { service, tasks, desiredTasks }),
    end: () => stream.emit('end'),
    /** The outcome once the follow has settled, else undefined. */
    settled: async () => {
      await new Promise(setImmediate);
      return settled;
    },
  };
}

/**
 * Follows `service` through a stream that sends one state, lets a minute pass (longer than
 * any stability window here), and then ends, as a manager going away would: the outcome if
 * that state settles it, else the error of the end.
 */
async function followOne(service: Service, tasks: Task[], desiredTasks: number, written = service) {
  const f = following(written);
  f.send(service, tasks, desiredTasks);
  f.clock.advance(60_000);
  f.end();
  try {
    return { outcome: await f.followed, text: f.text() };
  } catch (err) {
    return { error: err as Error, text: f.text() };
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

/** A one-replica service `name` with the update policy's monitor period `monitorMs` (none: no policy). */
function single(name: string, monitorMs?: number): Service {
  const update = monitorMs === undefined ? null : { ...DEFAULT_UPDATE_CONFIG, monitorMs };
  return makeService(makeSpec({ name, update }, 1));
}

const runningTask = (service: Service) =>
  makeTask(service, {
    slot: 1,
    status: makeStatus('RUNNING'),
    meta: { version: 1, createdAt: 1, updatedAt: 1 },
  });

test('running tasks have converged only once they have stayed running for 5s, which the progress says', async (t) => {
  const service = single('web');
  const f = following(service);
  f.send(service, [runningTask(service)], 1);
  f.clock.advance(4_999);
  t.is(await f.settled(), undefined);
  t.regex(f.text(), /^web: verifying: waiting 5s for tasks to stay running: 1\/1 running v1$/m);
  t.notRegex(f.text(), /converged/);
  f.clock.advance(1);
  t.is(await f.settled(), 'converged');
  t.regex(f.text(), /web: converged \(v1\)\n$/);
});

test('a task that fails within the window starts it over with its replacement', async (t) => {
  const service = single('web');
  const f = following(service);
  const first = runningTask(service);
  f.send(service, [first], 1);
  f.clock.advance(3_000);
  f.send(service, [{ ...first, status: makeStatus('FAILED', { err: 'exit status 3' }) }], 1);
  t.regex(f.text(), /^web: converging: 0\/1 running v1$/m);
  f.clock.advance(3_000);
  const second = { ...runningTask(service), meta: { version: 1, createdAt: 2, updatedAt: 2 } };
  f.send(service, [{ ...first, status: makeStatus('FAILED') }, second], 1);
  // The first window would have ended by now; the second's has not.
  f.clock.advance(4_000);
  t.is(await f.settled(), undefined);
  f.clock.advance(1_000);
  t.is(await f.settled(), 'converged');
});

test('a task replaced without a failure seen (a state the watch skipped) starts the window over', async (t) => {
  const service = single('web');
  const f = following(service);
  f.send(service, [runningTask(service)], 1);
  f.clock.advance(4_000);
  f.send(service, [{ ...runningTask(service), meta: { version: 1, createdAt: 2, updatedAt: 2 } }], 1);
  f.clock.advance(4_000);
  t.is(await f.settled(), undefined);
  f.clock.advance(1_000);
  t.is(await f.settled(), 'converged');
});

test('a task that crashes each time it runs never converges', async (t) => {
  const service = single('crash');
  const f = following(service);
  const tasks: Task[] = [];
  for (let n = 1; n <= 10; n++) {
    const task = { ...runningTask(service), meta: { version: 1, createdAt: n, updatedAt: n } };
    f.send(service, [...tasks, task], 1);
    f.clock.advance(100);
    tasks.push({ ...task, status: makeStatus('FAILED', { err: 'exit status 3' }) });
    f.send(service, tasks, 1);
    f.clock.advance(5_000);
  }
  t.is(await f.settled(), undefined);
  t.notRegex(f.text(), /converged/);
});

test("the window is the update policy's monitor period", async (t) => {
  const slow = single('slow', 10_000);
  const f = following(slow);
  f.send(slow, [runningTask(slow)], 1);
  f.clock.advance(9_000);
  t.is(await f.settled(), undefined);
  t.regex(f.text(), /slow: verifying: waiting 10s for tasks to stay running/);
  f.clock.advance(1_000);
  t.is(await f.settled(), 'converged');

  // A monitor period of 0 asks for no watching after the tasks run, here as in the updater.
  const quick = single('quick', 0);
  const g = following(quick);
  g.send(quick, [runningTask(quick)], 1);
  t.is(await g.settled(), 'converged');
  t.notRegex(g.text(), /verifying/);
});

test("after a rollback the window is the rollback policy's monitor period", (t) => {
  const spec = makeSpec(
    {
      name: 'web',
      update: { ...DEFAULT_UPDATE_CONFIG, monitorMs: 1_000 },
      rollback: { ...DEFAULT_UPDATE_CONFIG, monitorMs: 2_000 },
    },
    1,
  );
  const status: UpdateStatus = { ...atV5('ROLLBACK_COMPLETED', 1).updateStatus! };
  t.is(stabilityWindowMs(makeService(spec)), 1_000);
  t.is(stabilityWindowMs({ ...makeService(spec), updateStatus: status }), 2_000);
  t.is(stabilityWindowMs(makeService(makeSpec({ name: 'plain' }, 1))), 5_000);
});
