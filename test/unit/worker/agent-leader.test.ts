import test from 'ava';
import { FlotillaError } from '../../../lib/errors.js';
import { toServiceError } from '../../../proto/rpc.js';
import { fakeDispatcher } from './fake-dispatcher.js';
import { testAgent } from './test-agent.js';

test('a worker refused by a manager that does not lead goes to the leader it names, not down its list', async (t) => {
  let opened!: () => void;
  const sessionOpened = new Promise<void>((r) => (opened = r));
  const leader = await fakeDispatcher((call) => {
    call.write({ sessionId: 's1', heartbeatPeriodMs: 60_000, managers: [] });
    opened();
  });
  const refuser = await fakeDispatcher((call) =>
    call.emit(
      'error',
      toServiceError(
        new FlotillaError('NOT_LEADER', 'this manager does not dispatch tasks', {
          leader: { id: 3, address: leader.addr },
        }),
      ),
    ),
  );
  const next = await fakeDispatcher((call) => call.emit('error', toServiceError(new Error('unused'))));
  t.teardown(() => Promise.all([leader.close(), refuser.close(), next.close()]).then(() => undefined));

  const agent = await testAgent([refuser.addr, next.addr, leader.addr]);
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  await sessionOpened;
  stop.abort();
  await running;
  t.is(refuser.seen.sessions, 1);
  t.is(next.seen.sessions, 0, 'the manager after the refuser in the list was not tried');
  t.is(leader.seen.sessions, 1);
});
