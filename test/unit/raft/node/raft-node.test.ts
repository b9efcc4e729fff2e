import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isFlotillaError, type FlotillaError } from '../../../../lib/errors.js';
import { newMessage } from '../../../../manager/raft/core/message.js';
import { RaftDisk } from '../../../../manager/raft/storage/index.js';
import { EntryType, MessageType } from '../../../../manager/raft/types.js';
import { eventually } from '../../helpers.js';
import { Group, text } from './group.js';

test('a new group elects a leader, and proposals resolve in order once applied everywhere', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const first = await leader.propose(text('a'));
  t.true(first > 1);
  t.deepEqual(g.machines.get(leader.id)!.items, ['a']);
  const indexes = await Promise.all([...Array(50).keys()].map((i) => leader.propose(text(`b${i}`))));
  t.deepEqual(
    indexes,
    indexes.map((_, i) => indexes[0]! + i),
  );
  const items = await g.converged(51);
  t.deepEqual(
    items.slice(1),
    [...Array(50).keys()].map((i) => `b${i}`),
  );
});

test('a follower refuses proposals and names the leader', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const follower = g.followers(leader)[0]!;
  const err = await t.throwsAsync(follower.propose(text('x')));
  t.true(isFlotillaError(err, 'NOT_LEADER'));
  t.regex(err.message, new RegExp(`leader is member ${leader.id} at node-${leader.id}`));
  t.deepEqual((err as FlotillaError).leader, { id: leader.id, address: `node-${leader.id}` });
});

test('an isolated leader fails its pending proposal instead of hanging, and a new leader takes over', async (t) => {
  const g = await Group.create(t, 3);
  const old = await g.leader();
  await old.propose(text('before'));
  g.net.isolate(old.id);
  const err = await t.throwsAsync(old.propose(text('lost')));
  t.true(isFlotillaError(err, 'NOT_LEADER'), err.message);
  const others = g.followers(old).map((n) => n.id);
  const leader = await g.leader(others);
  t.not(leader.id, old.id);
  await leader.propose(text('after'));
  g.net.heal();
  const items = await g.converged(2);
  t.deepEqual(items, ['before', 'after']);
});

test('members restarted from disk replay their log and go on', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  for (const s of ['a', 'b', 'c']) await leader.propose(text(s));
  await g.converged(3);
  await g.closeAll();
  await Promise.all([1, 2, 3].map((id) => g.start(id)));
  t.deepEqual(await g.converged(3), ['a', 'b', 'c']);
  const again = await g.leader();
  await again.propose(text('d'));
  t.deepEqual(await g.converged(4), ['a', 'b', 'c', 'd']);
});

test('a follower that missed compacted entries catches up from a snapshot, also after a restart', async (t) => {
  const g = await Group.create(t, 3, { snapshotEvery: 10, keepEntries: 2 });
  const leader = await g.leader();
  const lagging = g.followers(leader)[0]!.id;
  g.net.isolate(lagging);
  for (let i = 0; i < 40; i++) await leader.propose(text(`v${i}`));
  g.net.heal();
  const items = await g.converged(40);
  t.is(items[39], 'v39');
  t.true(g.node(lagging).status().applied >= 40);
  await g.stop(lagging);
  await g.start(lagging);
  t.deepEqual(await g.converged(40), items);
});

test('a log of large entries is snapshotted by its bytes, and a follower behind gets the snapshot', async (t) => {
  // Far fewer entries than snapshotEvery, but more bytes than snapshotBytes; 2 KiB kept behind.
  const g = await Group.create(t, 3, {
    snapshotEvery: 1_000_000,
    snapshotBytes: 8 * 1024,
    keepBytes: 2 * 1024,
  });
  const leader = await g.leader();
  const lagging = g.followers(leader)[0]!.id;
  g.net.isolate(lagging);
  const kib = (i: number) => `${i}`.padEnd(1024, '.');
  for (let i = 0; i < 12; i++) await leader.propose(text(kib(i)));
  // The group's first snapshot, at index 1, holds only its members.
  const snapshotted = (id: number) => newestSnapshot(join(g.dir, String(id))) > 1;
  await eventually(() => snapshotted(leader.id), { message: 'the leader snapshots 8 KiB of entries' });
  g.net.heal();
  const items = await g.converged(12);
  t.is(items[11], kib(11));
  t.true(
    snapshotted(lagging),
    'the follower behind installed a snapshot: the entries it missed were dropped',
  );
});

/** The index of a member's newest snapshot file (0: none). */
function newestSnapshot(dir: string): number {
  const indexes = readdirSync(join(dir, 'snap')).map((f) => /-([0-9a-f]{16})\.snap$/.exec(f)?.[1]);
  return Math.max(0, ...indexes.map((hex) => (hex ? parseInt(hex, 16) : 0)));
}

test('a member joins as a learner, catches up, is promoted, and another is removed', async (t) => {
  const g = await Group.create(t, 3, { snapshotEvery: 5, keepEntries: 1 });
  const leader = await g.leader();
  for (let i = 0; i < 12; i++) await leader.propose(text(`v${i}`));
  await g.start(4, { peers: [1, 2, 3].map((id) => ({ id, address: `node-${id}` })) });
  await leader.addMember({ id: 4, address: 'node-4' }, { learner: true });
  await g.converged(12);
  t.deepEqual(leader.status().confState.learners, [4]);
  await leader.promoteMember(4);
  t.deepEqual([...leader.status().confState.voters].sort(), [1, 2, 3, 4]);
  t.deepEqual(
    g
      .node(4)
      .memberList()
      .map((m) => m.address)
      .sort(),
    ['node-1', 'node-2', 'node-3', 'node-4'],
  );
  const removed = g.followers(leader).find((n) => n.id !== 4)!;
  const gone = new Promise<void>((resolve) => removed.once('removed', resolve));
  await leader.removeMember(removed.id);
  await gone;
  await g.stop(removed.id);
  await leader.propose(text('after'));
  t.is((await g.converged(13))[12], 'after');
});

test('a second membership change while one is in flight is refused as a conflict', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const first = leader.addMember({ id: 7, address: 'node-7' }, { learner: true });
  const second = leader.addMember({ id: 8, address: 'node-8' }, { learner: true });
  await first;
  const err = await t.throwsAsync(second);
  t.true(isFlotillaError(err, 'CONFLICT'), err.message);
});

test('a read barrier on a follower returns once the follower has applied what was committed', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const index = await leader.propose(text('seen'));
  const follower = g.followers(leader)[0]!;
  const at = await follower.readBarrier();
  t.true(at >= index);
  t.true(g.machines.get(follower.id)!.items.includes('seen'));
});

test('leadership moves to the member asked for', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const target = g.followers(leader)[1]!.id;
  t.is(await leader.transferLeadership(target), target);
  const next = await g.leader();
  t.is(next.id, target);
  await next.propose(text('x'));
  await g.converged(1);
});

test('close fails what is pending with CANCELLED', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  for (const n of g.followers(leader)) g.net.isolate(n.id);
  const pending = leader.propose(text('never'));
  await leader.close();
  const err = await t.throwsAsync(pending);
  t.true(isFlotillaError(err, 'CANCELLED'), err.message);
});

test('force-new-cluster turns a survivor into a group of one that keeps every committed entry', async (t) => {
  const g = await Group.create(t, 3, { snapshotEvery: 4, keepEntries: 1 });
  const leader = await g.leader();
  for (let i = 0; i < 10; i++) await leader.propose(text(`v${i}`));
  const survivor = g.followers(leader)[0]!.id;
  await eventually(() => g.machines.get(survivor)!.items.length === 10);
  await g.closeAll();
  const node = await g.start(survivor, { forceNewCluster: true });
  t.deepEqual(
    g.machines.get(survivor)!.items,
    [...Array(10).keys()].map((i) => `v${i}`),
  );
  t.deepEqual(node.memberList(), [{ id: survivor, address: `node-${survivor}` }]);
  await eventually(() => node.isLeader, { message: 'the survivor leads' });
  await node.propose(text('after'));
  t.is(g.machines.get(survivor)!.items.at(-1), 'after');
  await g.stop(survivor);
  await g.start(survivor);
  t.is((await g.converged(11))[10], 'after');
});

test('a proposal sent by a peer is dropped by the leader, not appended', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const peer = g.followers(leader)[0]!;
  const forger = g.net.transport(peer.id);
  forger.setPeer(leader.id, `node-${leader.id}`);
  const entries = [{ term: 0, index: 0, type: EntryType.Normal, data: text('forged') }];
  forger.send([newMessage({ type: MessageType.Prop, from: peer.id, to: leader.id, entries })]);
  await new Promise((resolve) => setImmediate(resolve)); // delivered by now
  await leader.propose(text('after'));
  t.deepEqual(g.machines.get(leader.id)!.items, ['after']);
  t.deepEqual(await g.converged(1), ['after']);
});

test('a membership change entry that does not decode is skipped, on restart and by force-new-cluster', async (t) => {
  const g = await Group.create(t, 1);
  const node = await g.leader();
  await node.propose(text('before'));
  await g.stop(node.id);
  const dir = join(g.dir, String(node.id));
  const { disk, state } = await RaftDisk.open(dir);
  const last = state.entries.at(-1)!;
  const garbage = Buffer.from('0102030405060708', 'hex');
  await disk.persist({
    entries: [
      { term: last.term, index: last.index + 1, type: EntryType.ConfChange, data: garbage },
      { term: last.term, index: last.index + 2, type: EntryType.Normal, data: text('after') },
    ],
    hardState: { ...state.hardState, commit: last.index + 2 },
    mustSync: true,
  });
  await disk.close();
  await g.start(node.id);
  t.deepEqual(await g.converged(2), ['before', 'after']);
  await g.stop(node.id);
  const forced = await g.start(node.id, { forceNewCluster: true });
  t.deepEqual(g.machines.get(node.id)!.items, ['before', 'after']);
  t.deepEqual(forced.memberList(), [{ id: node.id, address: `node-${node.id}` }]);
});
