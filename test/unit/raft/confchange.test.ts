import test from 'ava';
import { decodeConfChange, encodeConfChange } from '../../../manager/raft/core/confchange.js';
import { MemoryStorage } from '../../../manager/raft/core/storage.js';
import { ConfChangeType, EntryType, StateType, type ConfChange } from '../../../manager/raft/types.js';
import { cluster, electedCluster, justElectedCluster, text } from '../../sim/testkit.js';
import type { Cluster } from '../../sim/cluster.js';

const cc = (type: ConfChangeType, nodeId: number): ConfChange => ({
  type,
  nodeId,
  context: new Uint8Array(),
});

function addEmpty(c: Cluster, id: number): void {
  c.addNode(id, new MemoryStorage());
}

test('conf change entries round-trip through their encoding', (t) => {
  const change = { type: ConfChangeType.AddLearnerNode, nodeId: 2 ** 40 + 7, context: text('10.0.0.4:4242') };
  t.deepEqual(decodeConfChange(encodeConfChange(change)), change);
  t.throws(() => decodeConfChange(new Uint8Array([1, 2])), { message: /conf change entry/ });
  for (const nodeId of [0, -3, 1.5, NaN]) {
    const data = encodeConfChange({ type: ConfChangeType.AddNode, nodeId, context: new Uint8Array() });
    t.throws(() => decodeConfChange(data), { message: /names no member/ }, `node id ${nodeId}`);
  }
});

test('a learner joins from an empty disk, receives the log and does not count for quorum', (t) => {
  const c = electedCluster(3);
  addEmpty(c, 4);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.AddLearnerNode, 4));
  c.stabilize();
  c.node(1).compact(0); // so that the snapshot the learner needs includes it
  c.tick(1, 1);
  c.stabilize();
  c.node(1).node().propose(text('a'));
  c.stabilize();
  t.deepEqual(c.node(4).confState, { voters: [1, 2, 3], learners: [4] });
  t.deepEqual(c.appliedData(4), ['a']);
  // With two voters down, the learner is no help: nothing commits.
  c.crash(2);
  c.crash(3);
  const commit = c.node(1).node().status().hardState.commit;
  c.node(1).node().propose(text('b'));
  c.stabilize([1, 4]);
  t.is(c.node(1).node().status().hardState.commit, commit);
  // And it never campaigns.
  c.tick(4, 50);
  t.not(c.node(4).node().status().softState.raftState, StateType.Candidate);
});

test('a learner is promoted to voter by AddNode', (t) => {
  const c = cluster(3, {}, [3]);
  c.node(1).node().campaign();
  c.stabilize();
  c.node(1).node().proposeConfChange(cc(ConfChangeType.AddNode, 3));
  c.stabilize();
  for (const id of [1, 2, 3]) t.deepEqual(c.node(id).confState, { voters: [1, 2, 3], learners: [] });
  // Now a quorum of two needs node 3 if 2 is down.
  c.crash(2);
  c.node(1).node().propose(text('x'));
  c.stabilize([1, 3]);
  t.deepEqual(c.appliedData(3), ['x']);
});

test('only one conf change may be pending: a second one becomes an empty entry', (t) => {
  const c = electedCluster(3);
  addEmpty(c, 4);
  addEmpty(c, 5);
  const rn = c.node(1).node();
  rn.proposeConfChange(cc(ConfChangeType.AddLearnerNode, 4));
  rn.proposeConfChange(cc(ConfChangeType.AddLearnerNode, 5));
  const rd = rn.ready();
  t.deepEqual(
    rd.entries.map((e) => e.type),
    [EntryType.ConfChange, EntryType.Normal],
  );
  t.is(rd.entries[1]!.data.byteLength, 0);
});

test('a new leader accepts a conf change only once its first entry is applied', (t) => {
  const c = justElectedCluster(3);
  const rn = c.node(1).node();
  t.is(rn.status().softState.raftState, StateType.Leader);
  // The leader's empty entry is not even persisted: the change becomes a no-op entry.
  rn.proposeConfChange(cc(ConfChangeType.RemoveNode, 3));
  c.stabilize();
  t.deepEqual(c.node(1).confState.voters, [1, 2, 3]);
  rn.proposeConfChange(cc(ConfChangeType.RemoveNode, 3));
  c.stabilize();
  t.deepEqual(c.node(1).confState.voters, [1, 2]);
});

test('removing a voter shrinks the quorum', (t) => {
  const c = electedCluster(3);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.RemoveNode, 3));
  c.stabilize();
  t.deepEqual(c.node(1).confState, { voters: [1, 2], learners: [] });
  c.crash(3);
  c.node(1).node().propose(text('x'));
  c.stabilize();
  t.deepEqual(c.appliedData(2), ['x']);
});

test('a removed leader steps down and the others elect a new one', (t) => {
  const c = electedCluster(3);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.RemoveNode, 1));
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Follower);
  c.tick(1, 30);
  t.is(c.node(1).node().status().softState.raftState, StateType.Follower, 'a removed node never campaigns');
  c.tick(2, 10);
  c.stabilize();
  t.is(c.node(2).node().status().softState.raftState, StateType.Leader);
  c.node(2).node().propose(text('after'));
  c.stabilize();
  t.deepEqual(c.appliedData(3), ['after']);
});

test('removing the last voter and demoting a voter are refused', (t) => {
  const c = electedCluster(1);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.RemoveNode, 1));
  c.stabilize();
  t.deepEqual(c.node(1).confState, { voters: [1], learners: [] });
  c.node(1).node().proposeConfChange(cc(ConfChangeType.AddLearnerNode, 1));
  c.stabilize();
  t.deepEqual(c.node(1).confState, { voters: [1], learners: [] });
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
});

test('a node does not campaign while a committed conf change is not applied', (t) => {
  const c = electedCluster(3);
  addEmpty(c, 4);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.AddLearnerNode, 4));
  // Node 2 learns the entry and its commit but does not apply it yet.
  c.processReady(1);
  c.deliver(2);
  c.deliver(3);
  c.processReady(2);
  c.processReady(3);
  c.deliver(1);
  c.processReady(1);
  const n2 = c.node(2).node();
  c.deliver(2);
  t.true(n2.hasReady());
  n2.campaign();
  t.is(n2.status().softState.raftState, StateType.Follower);
  c.processReady(2);
  n2.campaign();
  t.is(n2.status().softState.raftState, StateType.Candidate);
});

test('a restarted node rebuilds its membership from the snapshot and re-applied entries', (t) => {
  const c = electedCluster(3);
  addEmpty(c, 4);
  c.node(1).node().proposeConfChange(cc(ConfChangeType.AddLearnerNode, 4));
  c.stabilize();
  c.crash(2);
  c.restart(2);
  c.stabilize();
  t.deepEqual(c.node(2).node().status().confState, { voters: [1, 2, 3], learners: [4] });
  c.node(2).compact(0);
  c.crash(2);
  c.restart(2);
  t.deepEqual(c.node(2).node().status().confState, { voters: [1, 2, 3], learners: [4] });
});
