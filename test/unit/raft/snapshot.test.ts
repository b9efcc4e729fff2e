import test from 'ava';
import {
  CompactedError,
  SnapshotOutOfDateError,
  UnavailableError,
} from '../../../manager/raft/core/errors.js';
import { MemoryStorage } from '../../../manager/raft/core/storage.js';
import { MessageType } from '../../../manager/raft/types.js';
import { drain, electedCluster, entry, lonelyNode, msg, text } from '../../sim/testkit.js';

const cs = { voters: [1, 2, 3], learners: [] };

/** A snapshot message of term 1 at `index`, from the leader `from` to `to`. */
const snapAt = (index: number, data: string, from: number, to: number) =>
  msg({
    type: MessageType.Snap,
    from,
    to,
    term: 1,
    snapshot: { metadata: { index, term: 1, confState: cs }, data: text(data) },
  });

test('MemoryStorage: entries, terms and bounds', (t) => {
  const s = MemoryStorage.bootstrap(cs);
  s.append([entry(2, 1, 'a'), entry(3, 2, 'bb'), entry(4, 2, 'cc')]);
  t.is(s.firstIndex(), 2);
  t.is(s.lastIndex(), 4);
  t.is(s.term(1), 1);
  t.is(s.term(4), 2);
  t.throws(() => s.term(0), { instanceOf: CompactedError });
  t.throws(() => s.term(5), { instanceOf: UnavailableError });
  t.throws(() => s.entries(1, 3, Infinity), { instanceOf: CompactedError });
  t.is(s.entries(2, 5, Infinity).length, 3);
  t.is(s.entries(2, 5, 2).length, 1, 'size limit, but at least one entry');
  t.is(s.entries(3, 5, 4).length, 2);
});

test('MemoryStorage: append truncates a conflicting suffix and ignores compacted entries', (t) => {
  const s = MemoryStorage.bootstrap(cs);
  s.append([entry(2, 1), entry(3, 1), entry(4, 1)]);
  s.append([entry(3, 2)]);
  t.is(s.lastIndex(), 3);
  t.is(s.term(3), 2);
  s.createSnapshot(3, cs, text('state'));
  s.compact(3);
  s.append([entry(2, 1), entry(3, 2), entry(4, 2)]);
  t.is(s.firstIndex(), 4);
  t.is(s.lastIndex(), 4);
});

test('MemoryStorage: snapshots and compaction', (t) => {
  const s = MemoryStorage.bootstrap(cs);
  s.append([entry(2, 1), entry(3, 2), entry(4, 2)]);
  const snap = s.createSnapshot(3, { voters: [1, 2], learners: [3] }, text('state'));
  t.deepEqual(snap.metadata, { index: 3, term: 2, confState: { voters: [1, 2], learners: [3] } });
  t.throws(() => s.createSnapshot(2, cs, text('old')), { instanceOf: SnapshotOutOfDateError });
  s.compact(3);
  t.is(s.firstIndex(), 4);
  t.is(s.term(3), 2);
  t.throws(() => s.compact(3), { instanceOf: CompactedError });
  t.deepEqual(s.initialState().confState, { voters: [1, 2], learners: [3] });
  s.applySnapshot({ metadata: { index: 10, term: 5, confState: cs }, data: text('later') });
  t.is(s.firstIndex(), 11);
  t.is(s.lastIndex(), 10);
  t.throws(() => s.applySnapshot(snap), { instanceOf: SnapshotOutOfDateError });
});

test('a leader sends a snapshot to a follower that needs compacted entries', (t) => {
  const c = electedCluster(3);
  c.crash(3);
  for (const d of ['a', 'b', 'c']) c.node(1).node().propose(text(d));
  c.stabilize();
  t.true(c.node(1).compact(0));
  c.restart(3);
  c.tick(1, 1);
  c.stabilize();
  const n3 = c.node(3);
  t.is(n3.disk.snapshot().metadata.index, 5);
  t.is(n3.applied, 5);
  t.is(n3.hash, c.node(1).hash);
  // Replication resumes from the log after the snapshot.
  c.node(1).node().propose(text('d'));
  c.stabilize();
  t.is(n3.applied, 6);
  t.is(c.node(1).node().status().progress?.get(3)?.state, 'replicate');
});

test('a follower ignores a snapshot older than its commit index', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 1), entry(3, 1)]);
  rn.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, index: 3, logTerm: 1, commit: 3 }));
  drain(rn, storage);
  rn.step(snapAt(2, 'old', 2, 1));
  const rd = drain(rn, storage);
  t.is(rd.snapshot, undefined);
  t.is(rd.messages[0]?.index, 3);
});

test('a follower whose log already holds the snapshot point just commits up to it', (t) => {
  const { rn, storage } = lonelyNode(1, [1, 2, 3], [entry(2, 1), entry(3, 1)]);
  rn.step(snapAt(3, 's', 2, 1));
  const rd = drain(rn, storage);
  t.is(rd.snapshot, undefined);
  t.is(rn.status().hardState.commit, 3);
});

test('a snapshot whose membership does not include the node is ignored', (t) => {
  const { rn, storage } = lonelyNode(4, [1, 2, 3]);
  rn.step(snapAt(7, 's', 1, 4));
  t.is(drain(rn, storage).snapshot, undefined);
});

test('a failed snapshot send puts the follower back to probing', (t) => {
  const c = electedCluster(3);
  c.crash(3);
  c.node(1).node().propose(text('a'));
  c.stabilize();
  c.node(1).compact(0);
  c.restart(3);
  c.tick(1, 1);
  // Step by step until the leader sends the snapshot, which is then lost.
  for (let i = 0; i < 5 && c.node(1).node().status().progress?.get(3)?.state !== 'snapshot'; i++) {
    c.processReady(1);
    c.deliver(3);
    c.processReady(3);
    c.deliver(1);
  }
  c.processReady(1);
  t.is(c.node(1).node().status().progress?.get(3)?.state, 'snapshot');
  c.mailbox.set(3, []);
  c.node(1).node().reportSnapshot(3, false);
  t.is(c.node(1).node().status().progress?.get(3)?.state, 'probe');
  c.tick(1, 1);
  c.stabilize();
  t.is(c.node(3).applied, 3);
});
