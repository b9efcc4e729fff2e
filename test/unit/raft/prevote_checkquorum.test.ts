import test from 'ava';
import { MessageType, StateType } from '../../../manager/raft/types.js';
import { cluster, electedCluster, msg } from '../../sim/testkit.js';

test('with pre-vote, an isolated node does not raise its term', (t) => {
  const c = electedCluster(3, { preVote: true });
  c.partition([[1, 2], [3]]);
  for (let i = 0; i < 5; i++) {
    c.tick(3, 10);
    c.stabilize();
  }
  t.is(c.node(3).node().status().hardState.term, 2);
  t.is(c.node(3).node().status().softState.raftState, StateType.PreCandidate);
  c.heal();
  c.tick(1, 1);
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
  t.is(c.node(3).node().status().softState.lead, 1);
});

test('without pre-vote, an isolated node raises its term and disrupts the leader on return', (t) => {
  const c = electedCluster(3);
  c.partition([[1, 2], [3]]);
  c.tick(3, 10);
  c.stabilize();
  t.is(c.node(3).node().status().hardState.term, 3);
  c.heal();
  c.tick(1, 1);
  c.stabilize();
  // Its next timeout forces an election at a higher term: the leader is deposed.
  c.tick(3, 10);
  c.stabilize();
  t.true(c.node(1).node().status().hardState.term >= 4);
  t.not(c.node(1).node().status().softState.lead, 1);
});

test('a pre-vote is granted only to an up-to-date log, and changes no term', (t) => {
  const c = electedCluster(3, { preVote: true });
  c.node(1).node().propose(new TextEncoder().encode('x'));
  c.stabilize();
  const n2 = c.node(2).node();
  n2.step(msg({ type: MessageType.PreVote, from: 3, to: 2, term: 3, index: 2, logTerm: 2 }));
  const rd = n2.ready();
  t.true(rd.messages.find((m) => m.type === MessageType.PreVoteResp)?.reject);
  t.is(n2.status().hardState.term, 2);
});

test('with check-quorum, a leader cut off from a quorum steps down after an election timeout', (t) => {
  const c = electedCluster(3, { checkQuorum: true });
  c.partition([[1], [2, 3]]);
  c.tick(1, 10);
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
  c.tick(1, 10);
  t.is(c.node(1).node().status().softState.raftState, StateType.Follower);
});

test('with check-quorum, followers that hear from their leader ignore vote requests (leader lease)', (t) => {
  const c = electedCluster(3, { checkQuorum: true });
  c.node(2)
    .node()
    .step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 5, index: 9, logTerm: 9 }));
  t.is(c.node(2).node().status().hardState.term, 2);
  t.false(c.node(2).node().hasReady());
  // Once the lease expired (no leader contact for an election timeout), the vote is considered.
  c.partition([[1], [2, 3]]);
  c.tick(2, 9); // one tick short of its own election
  c.node(2)
    .node()
    .step(msg({ type: MessageType.Vote, from: 3, to: 2, term: 5, index: 9, logTerm: 9 }));
  t.is(c.node(2).node().status().hardState.term, 2);
  c.tick(2, 1);
  c.stabilize();
  t.true(c.node(2).node().status().hardState.term > 2);
});

test('pre-vote and check-quorum together: the majority side elects a new leader, the old one steps down', (t) => {
  const c = electedCluster(5, { preVote: true, checkQuorum: true });
  c.partition([
    [1, 2],
    [3, 4, 5],
  ]);
  // Each timeout ends a lease: the last node to time out finds the other two willing.
  for (const id of [3, 4, 5]) {
    c.tick(id, 10);
    c.stabilize();
  }
  const leader = [3, 4, 5].find((id) => c.node(id).node().status().softState.raftState === StateType.Leader);
  if (leader === undefined) return t.fail('no leader on the majority side');
  c.tick(1, 20);
  t.is(c.node(1).node().status().softState.raftState, StateType.Follower);
  c.heal();
  c.tick(leader, 1);
  c.stabilize();
  for (const id of [1, 2, 3, 4, 5]) t.is(c.node(id).node().status().softState.lead, leader);
});

test('a node with a stale term gets an answer that lets it catch up', (t) => {
  const c = cluster(3, { preVote: true });
  c.node(1).node().campaign();
  c.stabilize();
  // A heartbeat from an old term is answered with our term, so that a stale leader steps down.
  c.node(2)
    .node()
    .step(msg({ type: MessageType.Heartbeat, from: 3, to: 2, term: 1 }));
  const resp = c.node(2).node().ready().messages[0];
  t.is(resp?.type, MessageType.AppResp);
  t.is(resp?.term, 2);
});
