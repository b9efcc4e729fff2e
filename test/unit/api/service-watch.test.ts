import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import test from 'ava';
import { ControlApi } from '../../../manager/api/control.js';
import { ServiceWatches } from '../../../manager/api/service-watch.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { ServiceState } from '../../../proto/gen/flotilla/ServiceState.js';
import type { WatchServiceRequest } from '../../../proto/gen/flotilla/WatchServiceRequest.js';
import type { Task } from '../../../proto/types.js';
import { eventually, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

/** Resolves after the current turn of the event loop, with its microtasks, is over. */
const nextTurn = () => new Promise((r) => setImmediate(r));

/** A server stream as grpc-js hands it to a handler: what is written and how it ended. */
class FakeStream extends EventEmitter {
  readonly states: ServiceState[] = [];
  ended: { code?: number; details?: string; metadata?: grpc.Metadata } | undefined;
  /** What write() returns: false makes the watch wait for 'drain'. */
  accepting = true;

  constructor(readonly request: WatchServiceRequest) {
    super();
    this.on('error', (status) => (this.ended = status));
  }

  write(state: ServiceState): boolean {
    this.states.push(state);
    return this.accepting;
  }

  code(): string | undefined {
    return this.ended?.metadata?.get('flotilla-code')[0] as string | undefined;
  }
}

async function setup(t: { teardown(fn: () => void): void }) {
  const store = new MemoryStore();
  const spec = makeSpec({ name: 'web' }, 2);
  const service = makeService(spec);
  const tasks = [makeTask(service, { slot: 1 }), makeTask(service, { slot: 2 })];
  await store.update((tx) => {
    tx.create('services', service);
    for (const task of tasks) tx.create('tasks', task);
  });
  const watches = new ServiceWatches(store, new ControlApi(store));
  t.teardown(() => watches.close());
  const watch = (ref: string) => {
    const stream = new FakeStream({ service: ref });
    const served = watches.serve(stream as unknown as Parameters<ServiceWatches['serve']>[0]);
    return { stream, served };
  };
  const setState = (task: Task, state: 'RUNNING' | 'FAILED') =>
    store.update((tx) => {
      const current = tx.get('tasks', task.id)!;
      tx.update('tasks', { ...current, status: makeStatus(state) });
    });
  return { store, service, tasks, watches, watch, setState };
}

const states = (s: ServiceState) => s.tasks.map((t) => t.status?.state).sort();

test('sends the service, its tasks and how many it wants at once', async (t) => {
  const { watch } = await setup(t);
  const { stream } = watch('web');
  await eventually(() => stream.states.length === 1);
  const [first] = stream.states;
  t.is(first!.service?.spec?.name, 'web');
  t.deepEqual(states(first!), ['PENDING', 'PENDING']);
  t.is(first!.desiredTasks, 2);
});

test('changes close together go out as one new state; other services are not sent', async (t) => {
  const { store, tasks, watch, setState } = await setup(t);
  const { stream } = watch('web');
  await eventually(() => stream.states.length === 1);
  const other = makeService(makeSpec({ name: 'db' }));
  await store.update((tx) => {
    tx.create('services', other);
    tx.create('tasks', makeTask(other));
  });
  await Promise.all(tasks.map((task) => setState(task, 'RUNNING')));
  await eventually(() => stream.states.length === 2);
  t.deepEqual(states(stream.states[1]!), ['RUNNING', 'RUNNING']);
  // The watch has seen every event by now: a further change is the next state.
  await setState(tasks[0]!, 'FAILED');
  await eventually(() => stream.states.length === 3);
  t.deepEqual(states(stream.states[2]!), ['FAILED', 'RUNNING']);
});

test('a reader that lags gets the newest state when it drains, not each one it missed', async (t) => {
  const { tasks, watch, setState } = await setup(t);
  const { stream } = watch('web');
  await eventually(() => stream.states.length === 1);
  stream.accepting = false;
  await setState(tasks[0]!, 'RUNNING');
  await eventually(() => stream.states.length === 2);
  await setState(tasks[1]!, 'RUNNING');
  await setState(tasks[1]!, 'FAILED');
  // The watch has taken in both changes (a turn of the loop); it writes nothing while full.
  await nextTurn();
  stream.accepting = true;
  stream.emit('drain');
  t.is(stream.states.length, 3);
  t.deepEqual(states(stream.states[2]!), ['FAILED', 'RUNNING']);
});

test('removing the service ends the watch with NOT_FOUND', async (t) => {
  const { store, service, watch } = await setup(t);
  const { stream, served } = watch(service.id.slice(0, 8));
  await eventually(() => stream.states.length === 1);
  await store.update((tx) => tx.delete('services', service.id));
  await served;
  t.is(stream.code(), 'NOT_FOUND');
  t.regex(stream.ended!.details!, /was removed/);
});

test('an unknown service is NOT_FOUND at once', async (t) => {
  const { watch } = await setup(t);
  const { stream, served } = watch('nope');
  await served;
  t.is(stream.code(), 'NOT_FOUND');
  t.is(stream.states.length, 0);
});

test('a cancelled watch ends quietly; close() ends the open ones with UNAVAILABLE and refuses new ones', async (t) => {
  const { tasks, watches, watch, setState } = await setup(t);
  const cancelled = watch('web');
  const open = watch('web');
  await eventually(() => cancelled.stream.states.length === 1 && open.stream.states.length === 1);
  cancelled.stream.emit('cancelled');
  await cancelled.served;
  await setState(tasks[0]!, 'RUNNING');
  await eventually(() => open.stream.states.length === 2);
  t.is(cancelled.stream.states.length, 1);
  t.is(cancelled.stream.ended, undefined);

  watches.close();
  await open.served;
  t.is(open.stream.code(), 'UNAVAILABLE');
  const late = watch('web');
  await late.served;
  t.is(late.stream.code(), 'UNAVAILABLE');
});
