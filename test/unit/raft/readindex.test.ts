import test from 'ava';
import { MessageType, type Message } from '../../../manager/raft/types.js';
import { cluster, electedCluster, justElectedCluster, ofType, text } from '../../sim/testkit.js';

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

test('the leader serves a read index after a quorum confirms its leadership', (t) => {
  const c = electedCluster(3);
  c.node(1).node().propose(text('x'));
  c.stabilize();
  const rn = c.node(1).node();
  rn.readIndex(text('r1'));
  const rd = rn.ready();
  t.deepEqual(rd.readStates, []);
  const beats = ofType(rd.messages, MessageType.Heartbeat);
  t.is(beats.length, 2);
  t.deepEqual(
    beats.map((m) => decode(m.context)),
    ['r1', 'r1'],
  );
  rn.advance(rd);
  for (const m of rd.messages) c.send(m);
  c.stabilize();
  t.deepEqual(
    c.node(1).readStates.map((r) => [r.index, decode(r.requestCtx)]),
    [[3, 'r1']],
  );
});

test('a read is not served while the leader cannot reach a quorum', (t) => {
  const c = electedCluster(3);
  c.partition([[1], [2, 3]]);
  c.node(1).node().readIndex(text('r'));
  c.stabilize();
  t.deepEqual(c.node(1).readStates, []);
});

test('a follower forwards a read to the leader and gets the read index back', (t) => {
  const c = electedCluster(3);
  c.node(3).node().readIndex(text('f'));
  c.stabilize();
  t.deepEqual(
    c.node(3).readStates.map((r) => [r.index, decode(r.requestCtx)]),
    [[2, 'f']],
  );
});

test('a read without a known leader is dropped', (t) => {
  const c = cluster(3);
  c.node(2).node().readIndex(text('lost'));
  t.false(c.node(2).node().hasReady() && c.node(2).node().ready().messages.length > 0);
});

test('a single-voter leader serves reads at once', (t) => {
  const c = electedCluster(1);
  c.node(1).node().readIndex(text('solo'));
  c.stabilize();
  t.deepEqual(
    c.node(1).readStates.map((r) => r.index),
    [2],
  );
});

test('a new leader holds reads until it has committed an entry of its term', (t) => {
  const c = justElectedCluster(3);
  const rn = c.node(1).node();
  rn.readIndex(text('early'));
  const sent: Message[] = [];
  const send = c.send.bind(c);
  c.send = (m) => {
    sent.push(m);
    send(m);
  };
  c.processReady(1);
  t.deepEqual(ofType(sent, MessageType.Heartbeat), [], 'no confirmation round before the first commit');
  c.stabilize();
  t.deepEqual(
    c.node(1).readStates.map((r) => [r.index, decode(r.requestCtx)]),
    [[2, 'early']],
  );
});

test('concurrent reads are released together by the acks of the latest', (t) => {
  const c = electedCluster(3);
  const rn = c.node(1).node();
  rn.readIndex(text('a'));
  rn.readIndex(text('b'));
  c.stabilize();
  t.deepEqual(
    c.node(1).readStates.map((r) => decode(r.requestCtx)),
    ['a', 'b'],
  );
});
