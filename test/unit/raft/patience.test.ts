import test from 'ava';
import type { RawNode } from '../../../manager/raft/core/rawnode.js';
import { MessageType, StateType } from '../../../manager/raft/types.js';
import { drain, lonelyNode, msg, ofType } from '../../sim/testkit.js';

// Election timeout 10 ticks. A follower of leader 2 in term 2.
function follower(random = 0) {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [], 1, { checkQuorum: true, random: () => random });
  rn.step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 2 }));
  drain(rn, storage);
  return { rn, storage };
}

/** The leader's next heartbeat comes `ticks` ticks after its last word. */
function heartbeatAfter(rn: RawNode, ticks: number): void {
  for (let i = 0; i < ticks; i++) rn.tick();
  rn.step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 2 }));
}

/** Ticks from the leader's last word until the follower campaigns. */
function ticksToCampaign(rn: RawNode): number {
  for (let n = 1; n <= 1000; n++) {
    rn.tick();
    if (rn.status().softState.raftState !== StateType.Follower) return n;
  }
  return Infinity;
}

test('a follower that never heard the leader fall silent for long campaigns after its election timeout', (t) => {
  const { rn } = follower();
  heartbeatAfter(rn, 2);
  t.is(ticksToCampaign(rn), 10);
});

test('a follower that heard the leader silent for 8 of 10 ticks waits 6 ticks longer before it campaigns', (t) => {
  const { rn } = follower();
  heartbeatAfter(rn, 8);
  t.is(ticksToCampaign(rn), 16);
});

test('the wait grows by at most one election timeout, however slow the leader was', (t) => {
  const { rn } = follower(0.999);
  heartbeatAfter(rn, 18);
  t.is(ticksToCampaign(rn), 19 + 10);
});

test('a silence longer than twice the election timeout (a partition, a restart) is not learned', (t) => {
  // Random 0.999: campaigns after 19 ticks; 29 had the silence of 24 been learned, 24 with
  // what is left of the 8 learned before (it fades while the silence of 24 lasts).
  const { rn } = follower(0.999);
  heartbeatAfter(rn, 8);
  heartbeatAfter(rn, 24);
  t.is(ticksToCampaign(rn), 24);
});

test('a slow spell is forgotten: a tick of it every 64 ticks', (t) => {
  const { rn } = follower();
  heartbeatAfter(rn, 8);
  for (let i = 0; i < 64 * 8; i++) heartbeatAfter(rn, 1);
  t.is(ticksToCampaign(rn), 10);
});

test('while it waits, the follower still refuses the votes of others: the leader may only be slow', (t) => {
  const { rn, storage } = follower();
  heartbeatAfter(rn, 8);
  for (let i = 0; i < 12; i++) rn.tick();
  t.is(rn.status().softState.raftState, StateType.Follower);
  rn.step(msg({ type: MessageType.Vote, from: 3, to: 1, term: 3, index: 1, logTerm: 1 }));
  t.deepEqual(ofType(drain(rn, storage).messages, MessageType.VoteResp), []);
  t.is(rn.status().hardState.term, 2);
  // Past the wait, it votes.
  for (let i = 0; i < 4; i++) rn.tick();
  rn.step(msg({ type: MessageType.Vote, from: 3, to: 1, term: 4, index: 9, logTerm: 3 }));
  t.true(rn.status().hardState.term >= 3);
});
