import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { RawNode } from '../../../manager/raft/core/rawnode.js';
import { MemoryStorage } from '../../../manager/raft/core/storage.js';
import { MessageType, StateType } from '../../../manager/raft/types.js';
import { cluster, drain, electedCluster, entry, lonelyNode, msg, ofType } from '../../sim/testkit.js';

test('a candidate with a quorum of votes becomes leader and appends an empty entry of its term', (t) => {
  const c = electedCluster(3);
  const st = c.node(1).node().status();
  t.is(st.softState.raftState, StateType.Leader);
  t.is(st.hardState.term, 2);
  for (const id of [1, 2, 3]) {
    const disk = c.node(id).disk;
    t.is(disk.lastIndex(), 2);
    t.is(disk.term(2), 2);
    t.is(c.node(id).node().status().hardState.commit, 2);
  }
});

test('a single voter elects itself at once', (t) => {
  const c = cluster(1);
  c.node(1).node().campaign();
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
  t.is(c.node(1).node().status().hardState.commit, 2);
});

test('a follower campaigns after its randomized election timeout, in [electionTick, 2*electionTick)', (t) => {
  for (const r of [0, 0.5, 0.999]) {
    const storage = MemoryStorage.bootstrap({ voters: [1, 2, 3], learners: [] });
    const rn = new RawNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => r });
    const timeout = 10 + Math.floor(r * 10);
    for (let i = 0; i < timeout - 1; i++) rn.tick();
    t.is(rn.status().softState.raftState, StateType.Follower, `random ${r}`);
    rn.tick();
    t.is(rn.status().softState.raftState, StateType.Candidate, `random ${r}`);
    t.true(timeout >= 10 && timeout < 20);
  }
});

test('a node votes at most once per term', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3]);
  rn.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 2, index: 1, logTerm: 1 }));
  rn.step(msg({ type: MessageType.Vote, from: 3, to: 1, term: 2, index: 1, logTerm: 1 }));
  const resps = ofType(drain(rn, storage).messages, MessageType.VoteResp);
  t.deepEqual(
    resps.map((m) => [m.to, m.reject]),
    [
      [2, false],
      [3, true],
    ],
  );
  t.is(storage.initialState().hardState.vote, 2);
});

test('a node refuses its vote to a candidate whose log is behind', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 2), entry(3, 2)], 2);
  const cases = [
    { logTerm: 1, index: 9, reject: true }, // older last term
    { logTerm: 2, index: 2, reject: true }, // same term, shorter
    { logTerm: 2, index: 3, reject: false }, // same log
  ];
  let term = 3;
  for (const c of cases) {
    rn.step(
      msg({ type: MessageType.Vote, from: 2, to: 1, term: term++, index: c.index, logTerm: c.logTerm }),
    );
    const resp = ofType(drain(rn, storage).messages, MessageType.VoteResp)[0]!;
    t.is(resp.reject, c.reject, JSON.stringify(c));
  }
});

test('a candidate that gets a majority of rejections goes back to follower', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3]);
  rn.campaign();
  drain(rn, storage);
  rn.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 2, reject: true }));
  t.is(rn.status().softState.raftState, StateType.Candidate);
  rn.step(msg({ type: MessageType.VoteResp, from: 3, to: 1, term: 2, reject: true }));
  t.is(rn.status().softState.raftState, StateType.Follower);
  t.is(rn.status().hardState.term, 2);
});

test('a candidate steps down when it hears from a leader of its term', (t) => {
  const { rn } = lonelyNode(1, [1, 2, 3]);
  rn.campaign();
  rn.step(msg({ type: MessageType.App, from: 2, to: 1, term: 2, index: 1, logTerm: 1 }));
  const st = rn.status();
  t.is(st.softState.raftState, StateType.Follower);
  t.is(st.softState.lead, 2);
});

test('a leader steps down on a message with a higher term', (t) => {
  const c = electedCluster(3);
  c.node(1)
    .node()
    .step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 5 }));
  const st = c.node(1).node().status();
  t.is(st.softState.raftState, StateType.Follower);
  t.is(st.hardState.term, 5);
  t.is(st.softState.lead, 2);
});

test('learners never campaign', (t) => {
  const c = cluster(3, {}, [3]);
  c.tick(3, 100);
  t.is(c.node(3).node().status().softState.raftState, StateType.Follower);
  t.false(c.node(3).node().hasReady() && c.node(3).node().ready().messages.length > 0);
});

test('a split vote is resolved by a later election', (t) => {
  const c = cluster(4);
  c.partition([
    [1, 2],
    [3, 4],
  ]);
  c.node(1).node().campaign();
  c.node(3).node().campaign();
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Candidate);
  t.is(c.node(3).node().status().softState.raftState, StateType.Candidate);
  c.heal();
  c.tick(1, 10);
  c.stabilize();
  t.is(c.node(1).node().status().softState.raftState, StateType.Leader);
  t.is(c.node(1).node().status().hardState.term, 3);
});

test('an invalid configuration is refused with INVALID_ARGUMENT', (t) => {
  const storage = new MemoryStorage();
  const base = { id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0 };
  for (const bad of [{ id: 0 }, { electionTick: 1 }, { heartbeatTick: 0 }, { maxInflightMsgs: 0 }]) {
    const err = t.throws(() => new RawNode({ ...base, ...bad }));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), JSON.stringify(bad));
  }
});
