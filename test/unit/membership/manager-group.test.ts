/**
 * The managers' membership on real RaftNodes over an in-process network: admission as a
 * learner and promotion once caught up, where writes go, reachability as the leader sees it,
 * and the quorum guard on removals.
 */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/log.js';
import { ManagerGroup } from '../../../manager/membership/index.js';
import type { RaftNode } from '../../../manager/raft/node/index.js';
import { eventually } from '../helpers.js';
import { Group } from '../raft/node/group.js';

const groupOf = (raft: RaftNode) => new ManagerGroup(raft, silentLogger(), '/var/lib/flotilla');
const statusOf = (id: number) => ({
  raftId: id,
  addr: `node-${id}`,
  leader: false,
  reachability: 'UNKNOWN' as const,
});

test('a manager is admitted once as a learner and votes once it has caught up', async (t) => {
  const g = await Group.create(t, 3);
  const group = groupOf(await g.leader());
  const raftId = group.admission.newRaftId();
  t.false([1, 2, 3].includes(raftId));
  const peers = await group.admission.admit(raftId, `node-${raftId}`);
  t.deepEqual(peers.map((m) => m.id).sort(), [1, 2, 3]);
  // A retry (the join answered, but its caller did not hear) finds it there and adds nothing.
  t.deepEqual(await group.admission.admit(raftId, `node-${raftId}`), peers);
  t.deepEqual(group.raft.status().confState.learners, [raftId]);

  const stop = new AbortController();
  const promoting = group.admission.run(stop.signal);
  t.teardown(() => stop.abort());
  await g.start(raftId, { peers });
  await eventually(() => group.raft.status().confState.voters.includes(raftId), {
    message: 'the new manager votes',
  });
  t.deepEqual(group.raft.status().confState.learners, []);
  stop.abort();
  await promoting;
});

test('writes go to the leader: here on the leader, and to its address from a follower', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  t.deepEqual(groupOf(leader).route(), { local: true });
  const follower = g.followers(leader)[0]!;
  t.deepEqual(groupOf(follower).route(), {
    local: false,
    leaderId: leader.id,
    leaderAddr: `node-${leader.id}`,
  });
});

test('a removal must leave a reachable majority of the voters; followers do not guess reachability', async (t) => {
  const g = await Group.create(t, 3);
  const leader = await g.leader();
  const group = groupOf(leader);
  const [a, b] = g.followers(leader).map((n) => n.id) as [number, number];
  await eventually(() => [a, b].every((id) => group.describe(statusOf(id)).reachability === 'REACHABLE'), {
    message: 'the leader hears from both followers',
  });
  t.notThrows(() => group.checkRemoval(a, 'm-a'));
  t.like(group.describe(statusOf(leader.id)), { leader: true, reachability: 'REACHABLE' });
  t.like(groupOf(g.node(a)).describe(statusOf(b)), { leader: false, reachability: 'UNKNOWN' });

  g.net.isolate(b);
  await eventually(() => group.describe(statusOf(b)).reachability === 'UNREACHABLE', {
    message: 'the leader no longer hears from the isolated follower',
  });
  const err = t.throws(() => group.checkRemoval(a, 'm-a'));
  t.true(isFlotillaError(err, 'CONFLICT'));
  t.regex(err?.message ?? '', /demoting m-a would leave 1 reachable of 2 managers, fewer than the 2 needed/);
});

test('the last manager cannot be removed, and without a leader the error says how to recover', async (t) => {
  const g = await Group.create(t, 1);
  const group = groupOf(await g.leader());
  const err = t.throws(() => group.checkRemoval(1, 'm1'));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.regex(err?.message ?? '', /m1 is the last manager; promote another node first/);
  const noLeader = group.noLeaderError(true);
  t.is(noLeader.code, 'NO_QUORUM');
  t.regex(noLeader.message, /fewer than 1 of its 1 managers/);
  t.regex(noLeader.message, /--stale-ok/);
  t.regex(noLeader.message, /--force-new-cluster --data-dir \/var\/lib\/flotilla/);
});
