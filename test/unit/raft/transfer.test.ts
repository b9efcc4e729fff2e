import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { MessageType, StateType } from '../../../manager/raft/types.js';
import { electedCluster, ofType, text } from '../../sim/testkit.js';

test('leadership moves to an up-to-date transferee at once', (t) => {
  const c = electedCluster(3, { checkQuorum: true, preVote: true });
  c.node(1).node().transferLeadership(2);
  c.stabilize();
  t.is(c.node(2).node().status().softState.raftState, StateType.Leader);
  t.is(c.node(1).node().status().softState.lead, 2);
  t.is(c.node(3).node().status().softState.lead, 2);
});

test('a lagging transferee is caught up before it is told to campaign', (t) => {
  const c = electedCluster(3);
  c.partition([[1, 2], [3]]);
  c.node(1).node().propose(text('x'));
  c.stabilize();
  c.heal();
  c.node(1).node().transferLeadership(3);
  const first = c.node(1).node().ready().messages;
  t.deepEqual(ofType(first, MessageType.TimeoutNow), []);
  for (const m of first) c.send(m);
  c.stabilize();
  t.is(c.node(3).node().status().softState.raftState, StateType.Leader);
  t.deepEqual(c.appliedData(3), ['x']);
});

test('proposals are dropped while a transfer is in progress, and the transfer aborts after an election timeout', (t) => {
  const c = electedCluster(3);
  c.crash(3);
  c.node(1).node().transferLeadership(3);
  const err = t.throws(() => c.node(1).node().propose(text('x')));
  t.true(isFlotillaError(err, 'NOT_LEADER'));
  t.regex(err.message, /transferred to 3/);
  c.tick(1, 10);
  t.is(c.node(1).node().status().leadTransferee, 0);
  t.notThrows(() => c.node(1).node().propose(text('x')));
});

test('a follower forwards a transfer request to the leader', (t) => {
  const c = electedCluster(3);
  c.node(3).node().transferLeadership(3);
  c.stabilize();
  t.is(c.node(3).node().status().softState.raftState, StateType.Leader);
});

test('a transfer to a learner or to the leader itself is ignored', (t) => {
  const c = electedCluster(3);
  c.node(1).node().transferLeadership(1);
  c.node(1).node().transferLeadership(9);
  t.is(c.node(1).node().status().leadTransferee, 0);
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
});

test('a transfer overrides the leader lease of check-quorum', (t) => {
  const c = electedCluster(3, { checkQuorum: true });
  c.node(1).node().transferLeadership(3);
  c.stabilize();
  t.is(c.node(3).node().status().softState.raftState, StateType.Leader);
  t.is(c.node(3).node().status().hardState.term, 3);
});
