import test from 'ava';
import { MessageType, StateType, type Message } from '../../../manager/raft/types.js';
import { drain, electedCluster, entry, lonelyNode, msg, ofType, text } from '../../sim/testkit.js';

test('a committed proposal reaches every state machine in order', (t) => {
  const c = electedCluster(3);
  for (const d of ['a', 'b', 'c']) c.node(1).node().propose(text(d));
  c.stabilize();
  for (const id of [1, 2, 3]) t.deepEqual(c.appliedData(id), ['a', 'b', 'c']);
});

test('an entry is committed only once a quorum stores it', (t) => {
  const c = electedCluster(3);
  c.partition([[1], [2, 3]]);
  c.node(1).node().propose(text('x'));
  c.stabilize();
  t.is(c.node(1).node().status().hardState.commit, 2);
  c.heal();
  c.tick(1, 1);
  c.stabilize();
  t.is(c.node(1).node().status().hardState.commit, 3);
});

test('a leader does not commit an entry of an earlier term by counting replicas', (t) => {
  // Node 1 holds an entry of term 2 that nobody else has, then becomes leader of term 3.
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 2, 'old')], 2);
  rn.campaign();
  rn.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: 3 }));
  t.is(rn.status().softState.raftState, StateType.Leader);
  drain(rn, storage);
  // Node 2 acknowledges the old entry only: a quorum holds it, but it is not of term 3.
  rn.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 3, index: 2 }));
  t.is(rn.status().hardState.commit, 1);
  // Once the leader's own empty entry is on a quorum, both commit.
  rn.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 3, index: 3 }));
  t.is(rn.status().hardState.commit, 3);
});

test('a follower replaces a conflicting uncommitted suffix with the leader entries', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 2, 'a'), entry(3, 2, 'b'), entry(4, 2, 'c')], 2);
  rn.step(
    msg({
      type: MessageType.App,
      from: 2,
      to: 1,
      term: 3,
      index: 2,
      logTerm: 2,
      commit: 3,
      entries: [entry(3, 3, 'x')],
    }),
  );
  const rd = drain(rn, storage);
  t.is(storage.lastIndex(), 3);
  t.is(storage.term(3), 3);
  t.deepEqual(ofType(rd.messages, MessageType.AppResp)[0]?.index, 3);
  t.is(rd.hardState?.commit, 3);
});

test('a follower rejects an append that does not match, hinting where its log may match', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 2), entry(3, 2)], 2);
  rn.step(
    msg({ type: MessageType.App, from: 2, to: 1, term: 4, index: 6, logTerm: 4, entries: [entry(7, 4)] }),
  );
  const resp = ofType(drain(rn, storage).messages, MessageType.AppResp)[0]!;
  t.true(resp.reject);
  t.is(resp.rejectHint, 3);
  t.is(resp.logTerm, 2);
});

test('a follower catching up receives appends batched up to maxSizePerMsg', (t) => {
  const c = electedCluster(2, { maxSizePerMsg: 8 });
  c.crash(2);
  for (let i = 0; i < 6; i++) c.node(1).node().propose(text('abcd'));
  c.processReady(1);
  c.restart(2);
  const sent: Message[] = [];
  const send = c.send.bind(c);
  c.send = (m) => {
    sent.push(m);
    send(m);
  };
  c.tick(1, 1);
  c.stabilize();
  const batches = ofType(sent, MessageType.App)
    .map((m) => m.entries.length)
    .filter((n) => n > 0);
  t.deepEqual(batches, [2, 2, 2]);
  t.is(c.appliedData(2).length, 6);
});

test('in replicate state the inflight window bounds messages by count', (t) => {
  const c = electedCluster(2, { maxInflightMsgs: 2, maxSizePerMsg: 1 });
  for (let i = 0; i < 5; i++) c.node(1).node().propose(text('x'));
  const apps = ofType(c.node(1).node().ready().messages, MessageType.App);
  t.is(apps.length, 2);
  t.is(c.node(1).node().status().progress?.get(2)?.inflight, 2);
});

test('in replicate state the inflight window bounds messages by bytes', (t) => {
  const c = electedCluster(2, { maxInflightBytes: 10, maxSizePerMsg: 4 });
  for (let i = 0; i < 6; i++) c.node(1).node().propose(text('abcd'));
  const apps = ofType(c.node(1).node().ready().messages, MessageType.App);
  // 4 + 4 bytes leave room; the third message reaches 12 >= 10 and closes the window.
  t.is(apps.length, 3);
});

test('a rejected append moves a replicating follower back to probe', (t) => {
  const c = electedCluster(2);
  const rn = c.node(1).node();
  rn.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 2, index: 1, reject: true, rejectHint: 1 }));
  t.is(rn.status().progress?.get(2)?.state, 'replicate', 'stale rejection below match is ignored');
  rn.propose(text('x'));
  rn.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: 2, index: 3, reject: true, rejectHint: 2 }));
  t.is(rn.status().progress?.get(2)?.state, 'probe');
  t.is(rn.status().progress?.get(2)?.next, 3);
});

test('a follower that missed an append catches up through the next one', (t) => {
  const c = electedCluster(3);
  c.node(1).node().propose(text('lost'));
  c.processReady(1);
  c.mailbox.set(2, []);
  c.stabilize(); // the commit notice to 2 does not match its log: 2 rejects and is probed
  t.deepEqual(c.appliedData(2), ['lost']);
});

test('with every append lost, a follower catches up after a heartbeat round', (t) => {
  const c = electedCluster(3, { maxInflightMsgs: 1 });
  c.node(1).node().propose(text('a'));
  c.node(1).node().propose(text('b'));
  c.processReady(1);
  c.mailbox.set(2, []);
  c.stabilize([1, 3]);
  t.is(c.node(1).node().status().progress?.get(2)?.inflight, 1);
  c.tick(1, 1);
  c.stabilize();
  t.deepEqual(c.appliedData(2), ['a', 'b']);
});
