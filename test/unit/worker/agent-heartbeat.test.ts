import test, { type ExecutionContext } from 'ava';
import { FlotillaError } from '../../../lib/errors.js';
import type { HeartbeatRequest } from '../../../proto/gen/flotilla/HeartbeatRequest.js';
import type { OverlayPeer } from '../../../proto/gen/flotilla/OverlayPeer.js';
import { overlayDigest } from '../../../proto/overlay-set.js';
import { fakeDispatcher } from './fake-dispatcher.js';
import { testAgent } from './test-agent.js';

const peer = { nodeId: 'n2', subnet: '10.213.2.0/24', addr: '10.0.0.2' };
const self = { nodeId: 'n1', subnet: '10.213.1.0/24', addr: '10.0.0.1' };

/** An agent run against a fake dispatcher (beats answered by `onBeat`) until it opens a second session. */
async function untilSecondSession(
  t: ExecutionContext,
  periodMs: number,
  onBeat: Parameters<typeof fakeDispatcher>[1],
) {
  let sessions = 0;
  let done!: () => void;
  const second = new Promise<void>((r) => (done = r));
  const dispatcher = await fakeDispatcher((call) => {
    if (++sessions === 2) done();
    call.write({ sessionId: `s${sessions}`, heartbeatPeriodMs: periodMs, managers: [] });
  }, onBeat);
  t.teardown(() => dispatcher.close());
  const agent = await testAgent([dispatcher.addr]);
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  await second;
  stop.abort();
  await running;
  return dispatcher;
}

test('a failed heartbeat is retried on the same session, on a new stream of beats; the overlay peers come once and are held under their digest', async (t) => {
  const beats: HeartbeatRequest[] = [];
  let done!: () => void;
  const fourBeats = new Promise<void>((r) => (done = r));
  // Periods long enough that a loaded machine's stall does not pass the three-period deadline.
  const answer = { periodMs: 200, role: 'WORKER' as const, raftId: 0, raftMembers: [], trustDigest: '' };
  const dispatcher = await fakeDispatcher(
    (call) => call.write({ sessionId: 's1', heartbeatPeriodMs: 200, managers: [] }),
    (req) => {
      beats.push(req);
      if (beats.length === 4) done();
      // The first answer fails (a starved manager, say); the second brings the peers.
      if (beats.length === 1) return new FlotillaError('UNAVAILABLE', 'busy');
      if (beats.length === 2) return { ...answer, overlayPeers: [peer, self], overlayDigest: 'd1' };
      return { ...answer, overlayPeers: [], overlayDigest: 'd1' };
    },
  );
  t.teardown(() => dispatcher.close());
  const handed: OverlayPeer[][] = [];
  const agent = await testAgent([dispatcher.addr], { onOverlayPeers: (peers) => handed.push(peers) });
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  await fourBeats;
  stop.abort();
  await running;

  t.is(dispatcher.seen.sessions, 1, 'the failed beat did not end the session');
  t.is(dispatcher.seen.beatStreams, 2, 'the failure ended the first stream of beats');
  t.deepEqual(
    beats.slice(0, 4).map((b) => [b.sessionId, b.overlayDigest]),
    [
      ['s1', ''],
      ['s1', ''],
      ['s1', 'd1'],
      ['s1', 'd1'],
    ],
  );
  // Every answer hands on the peers held (but this node), also those that carried none.
  t.true(handed.length >= 2);
  for (const peers of handed) t.deepEqual(peers, [peer]);
});

test('a heartbeat the manager answers with NOT_FOUND (no such session) ends the session at once', async (t) => {
  const dispatcher = await untilSecondSession(t, 10, () => new FlotillaError('NOT_FOUND', 'no such session'));
  t.is(dispatcher.seen.sessions, 2);
  t.is(dispatcher.seen.beatStreams, 1, 'no beat was sent again on the first session');
});

test('a beat not answered within its deadline (three periods) is sent again at once; a second unanswered one ends the session', async (t) => {
  const beats: string[] = [];
  // A manager that takes the beats and never answers.
  await untilSecondSession(t, 100, (req) => void beats.push(req.sessionId));
  t.is(beats.filter((s) => s === 's1').length, 2, 'one beat and one retry on the first session');
});

test('the overlay peers as changes: applied to the set held and checked against the digest; a set that does not match is asked for whole', async (t) => {
  const peer2 = { nodeId: 'n3', subnet: '10.213.3.0/24', addr: '10.0.0.3' };
  const peer3 = { nodeId: 'n4', subnet: '10.213.4.0/24', addr: '10.0.0.4' };
  const answer = { periodMs: 200, role: 'WORKER' as const, raftId: 0, raftMembers: [], trustDigest: '' };
  const whole = (peers: OverlayPeer[]) => ({
    ...answer,
    overlayPeers: peers,
    overlayDigest: overlayDigest(peers),
  });
  // What each beat is answered: the whole set, the changes to it, changes that make another
  // set than the digest says (the node's set went wrong somehow), then the whole set again.
  const answers = [
    whole([self, peer]),
    {
      ...answer,
      overlayPeers: [peer2],
      overlayRemoved: [peer.nodeId],
      overlayChangesOnly: true,
      overlayDigest: overlayDigest([self, peer2]),
    },
    { ...answer, overlayPeers: [peer3], overlayChangesOnly: true, overlayDigest: overlayDigest([peer3]) },
    whole([self, peer3]),
  ];
  const beats: HeartbeatRequest[] = [];
  const handed: OverlayPeer[][] = [];
  let done!: () => void;
  const allBeats = new Promise<void>((r) => (done = r));
  const dispatcher = await fakeDispatcher(
    (call) => call.write({ sessionId: 's1', heartbeatPeriodMs: 200, managers: [] }),
    (req) => {
      beats.push(req);
      // Each answer is handed on before the next beat asks.
      if (beats.length === answers.length + 1) done();
      return answers[beats.length - 1] ?? { ...answer, overlayDigest: overlayDigest([self, peer3]) };
    },
  );
  t.teardown(() => dispatcher.close());
  const agent = await testAgent([dispatcher.addr], { onOverlayPeers: (peers) => handed.push(peers) });
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  await allBeats;
  stop.abort();
  await running;

  t.deepEqual(
    beats.slice(0, 5).map((b) => b.overlayDigest),
    ['', overlayDigest([self, peer]), overlayDigest([self, peer2]), '', overlayDigest([self, peer3])],
  );
  // The set that did not match was not handed on: the overlay kept the routes it had.
  t.deepEqual(handed.slice(0, 4), [[peer], [peer2], [peer2], [peer3]]);
});
