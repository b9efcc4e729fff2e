import test from 'ava';
import { warmUp } from '../../../../manager/raft/node/warm-up.js';
import { decodeBatch, encodeBatch } from '../../../../manager/raft/transport/codec.js';
import type { Message } from '../../../../manager/raft/types.js';
import { text } from '../../../sim/testkit.js';
import { Group } from './group.js';

test('the warm-up group commits every write it proposes, its messages through the codec', (t) => {
  const wire = (messages: readonly Message[]): Message[] =>
    decodeBatch(encodeBatch({ clusterId: 'warm-up', messages: [...messages] })).messages;
  // The bootstrap entry and the leader's empty entry come first.
  t.true(warmUp(300, wire) >= 300);
});

test('a node that warms up at start keeps none of it in its log or state machine', async (t) => {
  const g = await Group.create(t, 1, { warmUpWrites: 200 });
  const leader = await g.leader();
  const index = await leader.propose(text('first'));
  t.true(index < 10, `the first real write went to index ${index}`);
  t.deepEqual(await g.converged(1), ['first']);
});
