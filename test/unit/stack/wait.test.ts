/** How a waiting `stack deploy` ends: its services followed in turn through fake WatchService streams. */
import test from 'ava';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { waitForServices } from '../../../cli/stack/wait.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { Service, Task, UpdateStatus } from '../../../proto/types.js';
import { makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';
import { FakeClock } from '../cli/fake-clock.js';

interface State {
  service: Service;
  tasks: Task[];
  desiredTasks: number;
}

/** A client whose WatchService of each service sends that service's state (none: it never settles). */
function watching(states: Map<string, State>) {
  const watched: string[] = [];
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:manager:4242' }),
    WatchService: ({ service }: { service: string }) => {
      watched.push(service);
      const stream = Object.assign(new EventEmitter(), { cancel: () => {} });
      const state = states.get(service);
      if (state) setImmediate(() => stream.emit('data', state));
      return stream;
    },
  } as unknown as ControlClient;
  let text = '';
  const out = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { client, out, watched, text: () => text };
}

const running = (name: string): State => {
  const service = makeService(makeSpec({ name }, 1), `id-${name}`);
  return { service, tasks: [makeTask(service, { status: makeStatus('RUNNING') })], desiredTasks: 1 };
};

const unplaceable = (name: string): State => {
  const service = makeService(makeSpec({ name }, 1), `id-${name}`);
  const err = 'no suitable node: constraint node.labels.zone==b';
  return { service, tasks: [makeTask(service, { status: makeStatus('PENDING', { err }) })], desiredTasks: 1 };
};

const paused = (name: string): State => {
  const updateStatus: UpdateStatus = {
    state: 'UPDATE_PAUSED',
    startedAt: 1,
    completedAt: 0,
    message: 'update paused: task failed',
    fromVersion: 1,
    toVersion: 2,
    awaitingPromotion: false,
    promoted: false,
  };
  const service = { ...makeService(makeSpec({ name }, 1), `id-${name}`), specVersion: 2, updateStatus };
  return { service, tasks: [], desiredTasks: 1 };
};

/** Waits for the services on a clock that has run every timer once each service has been sent its state. */
const run = async (states: State[], timeoutMs = 0, never: Service[] = []) => {
  const w = watching(new Map(states.map((s) => [s.service.id, s])));
  const clock = new FakeClock();
  // Each state is sent on the next turn; by the one after, its stability window may pass.
  const ticking = setInterval(() => clock.advance(60_000), 1);
  try {
    const all = [...states.map((s) => s.service), ...never];
    const code = await waitForServices(w.client, all, timeoutMs, { out: w.out, clock });
    return { code, text: w.text(), watched: w.watched };
  } finally {
    clearInterval(ticking);
  }
};

test('every service converged: 0, each followed in turn', async (t) => {
  const res = await run([running('shop_web'), running('shop_db')]);
  t.is(res.code, 0);
  t.deepEqual(res.watched, ['id-shop_web', 'id-shop_db']);
  t.regex(res.text, /^shop_web: converged \(v1\)$/m);
  t.regex(res.text, /^shop_db: converged \(v1\)$/m);
});

test('tasks that cannot be placed fail the stack (1), with the reason; the others are still followed', async (t) => {
  const res = await run([unplaceable('shop_web'), running('shop_db')]);
  t.is(res.code, 1);
  t.regex(
    res.text,
    /^shop_web: 1 task cannot be placed: no suitable node: constraint node\.labels\.zone==b\.$/m,
  );
  t.regex(res.text, /^shop_db: converged/m);
});

test("an update that paused gives service update's code, the highest of all", async (t) => {
  const res = await run([unplaceable('shop_web'), paused('shop_db')]);
  t.is(res.code, 3);
  t.regex(res.text, /^shop_db: update paused: task failed$/m);
});

test('the time limit: 1, naming the service waited for and those not reached', async (t) => {
  const stuck = makeService(makeSpec({ name: 'shop_stuck' }, 1), 'id-stuck');
  const after = makeService(makeSpec({ name: 'shop_after' }, 1), 'id-after');
  const res = await run([running('shop_web')], 50, [stuck, after]);
  t.is(res.code, 1);
  t.regex(
    res.text,
    /^shop_stuck: not converged after 50ms \(its tasks' states are above; see `cluster service ps shop_stuck`\); not waited for: shop_after$/m,
  );
  t.deepEqual(res.watched, ['id-shop_web', 'id-stuck']);
});
