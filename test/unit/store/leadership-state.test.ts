/** The subscriber bookkeeping every Leadership backend shares (manager/leadership.ts). */
import test from 'ava';
import { LeadershipState } from '../../../manager/leadership.js';

/** Records what a subscriber hears. */
function listen(state: LeadershipState) {
  const heard: boolean[] = [];
  const stop = state.subscribe((leading) => heard.push(leading));
  return { heard, stop };
}

/**
 * Resolves once a subscriber made now has had its first call: every call that was due
 * before it (first calls, changes) has come by then.
 */
function settled(state: LeadershipState): Promise<void> {
  return new Promise((resolve) => {
    const stop = state.subscribe(() => {
      stop();
      resolve();
    });
  });
}

test('the first call comes after subscribe returns, with the answer as it is then', async (t) => {
  const state = new LeadershipState();
  const follower = listen(state);
  t.deepEqual(follower.heard, []);
  await settled(state);
  t.deepEqual(follower.heard, [false]);

  state.set(true);
  const leader = listen(state);
  state.set(false);
  state.set(true);
  await settled(state);
  t.deepEqual(leader.heard, [true], 'changes before the first call are not told one by one');
});

test('a subscriber may unsubscribe from its first call', async (t) => {
  const state = new LeadershipState();
  state.set(true);
  const heard: boolean[] = [];
  const stop = state.subscribe((leading) => {
    heard.push(leading);
    stop();
  });
  await settled(state);
  state.set(false);
  state.set(true);
  await settled(state);
  t.deepEqual(heard, [true]);
});

test('later calls come at each change and only then', async (t) => {
  const state = new LeadershipState();
  const { heard } = listen(state);
  await settled(state);
  t.true(state.set(true));
  t.false(state.set(true));
  t.true(state.set(false));
  t.false(state.set(false));
  t.deepEqual(heard, [false, true, false]);
  t.false(state.isLeader);
});

test('a subscriber that changes the answer while told leaves the others only the newest', async (t) => {
  const state = new LeadershipState();
  state.subscribe((leading) => {
    if (leading) state.set(false);
  });
  const other = listen(state);
  await settled(state);
  state.set(true);
  await settled(state);
  t.deepEqual(other.heard, [false]);
  t.false(state.isLeader);
});

test('nothing comes once unsubscribed', async (t) => {
  const state = new LeadershipState();
  const early = listen(state);
  early.stop();
  const late = listen(state);
  await settled(state);
  late.stop();
  state.set(true);
  await settled(state);
  t.deepEqual(early.heard, []);
  t.deepEqual(late.heard, [false]);
});

test('close tells a leader’s subscribers false once, and the answer stays false', async (t) => {
  const state = new LeadershipState();
  state.set(true);
  const { heard } = listen(state);
  await settled(state);
  state.close();
  t.true(state.isClosed);
  t.false(state.isLeader);
  t.false(state.set(true));
  state.close();
  await settled(state);
  t.deepEqual(heard, [true, false]);
  t.false(state.isLeader);
});
